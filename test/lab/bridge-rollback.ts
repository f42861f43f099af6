// A bridge misconfiguration injected on a lab KVM host: a site file that gives the host a wrong
// address (.9 instead of its real .3, a typo an operator could make). The runbook's bridge step
// moves the address onto cloudbr0, the installer loses the host, and nobody confirms the bridge.
// The rollback timer the step armed must put the old network back by itself, so the host answers
// SSH at its real address again without anyone touching its console.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { sshRun, type SshTarget } from '../../src/lab/ssh.ts';
import { runInstall, type StepEnd } from './run-install.ts';

export const WRONG_ADDRESS = '172.16.10.9';

export interface BridgeRollbackRun {
  /** The injected run of the bridge step: expected to fail, with a message naming the host. */
  installCode: number;
  bridgeEnd?: StepEnd;
  stderr: string;
  /** Seconds from the start of the bridge step until SSH answered again at the real address. */
  backAfterSeconds?: number;
  /** The host's network afterwards, as `ip -4 -o addr` and the rollback's journal show it. */
  after: { ok: boolean; output: string };
}

interface SiteFile {
  hosts: { address: string; hostname: string }[];
}

export async function injectBridgeMisconfiguration(
  labSite: string,
  dir: string,
  kvmName: string,
  target: SshTarget,
): Promise<BridgeRollbackRun> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const site = parse(readFileSync(labSite, 'utf8')) as SiteFile;
  const host = site.hosts.find((h) => h.hostname === kvmName);
  if (!host) throw new Error(`the lab site has no KVM host ${kvmName}`);
  const realAddress = host.address;
  host.address = WRONG_ADDRESS;
  const file = path.join(dir, 'site.yaml');
  writeFileSync(
    file,
    `# Injected fault: ${kvmName} given ${WRONG_ADDRESS}; it really is ${realAddress}.\n${stringify(site)}`,
  );

  // bridge-utils first (the bridge step's own prerequisite), then the bridge step alone.
  const prepared = await runInstall(file, ['--only', 'base-packages'], 30 * 60_000);
  if (prepared.code !== 0)
    throw new Error(`base-packages failed before the injection: ${prepared.stderr.slice(-500)}`);
  const started = Date.now();
  const injected = await runInstall(file, ['--only', 'bridge'], 15 * 60_000);

  // The rollback fires 180 s after it was armed; give it up to seven minutes in all.
  let backAfterSeconds: number | undefined;
  while (Date.now() - started < 7 * 60_000) {
    const probe = await sshRun(target, 'ip -4 -o addr show', 20_000);
    if (probe.exitCode === 0 && String(probe.stdout).includes(`${realAddress}/`)) {
      backAfterSeconds = (Date.now() - started) / 1000;
      break;
    }
    await sleep(10_000);
  }
  const after = await sshRun(
    target,
    [
      'set -e',
      'ip -4 -o addr show',
      `ip -4 -o addr show dev eth0 | grep -qw ${realAddress}/24`,
      '! ip link show cloudbr0 2>/dev/null',
      'cmp /etc/network/interfaces /etc/network/interfaces.pre-cloudbr0',
      'journalctl -t cloudbr0-rollback --no-pager | grep restoring',
    ].join('\n'),
    60_000,
  );
  return {
    installCode: injected.code,
    bridgeEnd: injected.ends.find((e) => e.id === 'bridge' && e.host === kvmName),
    stderr: injected.stderr,
    backAfterSeconds,
    after: { ok: after.exitCode === 0, output: `${after.stdout}\n${after.stderr}`.trim() },
  };
}
