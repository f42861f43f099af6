// The installer ISO (npm run appliance:iso) from power-on to the installed system, with no
// keystroke: `runbook iso` bakes a site's answer folder into the built ISO, qemu boots it on a
// blank disk (BIOS for the management server, UEFI for a KVM host), the live system installs
// the machine and restarts into it with the ISO still in, and the installed system reports
// ready on its serial line. Then, over SSH with the operator's key and the host key baked in:
// the disk layout, root by key only, the site file, the first-boot service (the wizard on
// tty1 of the management server, "ready, waiting" on the KVM host), and `apt-get install` of a
// package the runbook installs, from the local repository with no route out of the machine.
// qemu's user network has restrict=on: nothing but the forwarded SSH port reaches the guests.
// Then the interactive install, as a person at a serial console does it: the plain ISO on a
// PC with Secure Boot on, its serial entry picked in GRUB, and every screen of the installer
// answered with keystrokes through tmux attached to the serial line.
import { execa } from 'execa';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outDir } from '../../appliance/lib/paths.ts';
import { READY_MARK } from '../../installer/machine-install/zero-touch.ts';
import { detectAccel } from '../../src/lab/accel.ts';
import type { Accel } from '../../src/lab/accel.ts';
import { ARTIFACTS, runBuild } from './build.ts';
import { Terminal, killTmuxServer } from '../wizard/terminal.ts';
import { bootVm, guestSsh, waitForGuestSsh } from './qemu-boot.ts';
import type { BootedVm } from './qemu-boot.ts';

const work = path.join(ARTIFACTS, 'iso');
const builtIso = path.join(outDir, 'cloudstack-runbook-installer.iso');
const key = path.join(work, 'id_ed25519');
const siteFile = path.join(work, 'site.yaml');
let accel: Accel = 'tcg';
const figures: Record<string, number | string> = {};
const vms: BootedVm[] = [];
const minutes = (n: number) => n * 60_000;
const runbook = path.resolve('installer/bin/runbook.js');

const SITE = `name: isotest
network: { interface: eth0, cidr: 172.16.10.0/24, gateway: 172.16.10.1, dns: [172.16.10.1] }
management: { address: 172.16.10.2, hostname: cloudstack-mgmt }
hosts:
  - { address: 172.16.10.3, hostname: kvm1 }
ssh: { user: root, identity: ${key} }
`;

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // Stages are cached: an unchanged tree only writes the ISO again (about a minute).
  const build = await runBuild('build-iso.ts');
  figures['build (s)'] = Math.round(build.seconds);
  figures['ISO (MiB)'] = Math.round(statSync(builtIso).size / 2 ** 20);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'iso-test', '-f', key]);
  writeFileSync(siteFile, SITE);
  // The probe kernel: the live system's own, taken from the ISO.
  const kernel = path.join(work, 'vmlinuz');
  await execa('xorriso', [
    '-osirrox',
    'on',
    '-indev',
    builtIso,
    '-extract',
    '/live/vmlinuz',
    kernel,
  ]);
  accel = await detectAccel(kernel);
});

afterAll(async () => {
  for (const vm of vms) await vm.stop();
  writeFileSync(
    path.join(ARTIFACTS, 'iso-figures.json'),
    JSON.stringify({ accel, ...figures }, null, 2) + '\n',
  );
  process.stdout.write(`appliance ISO figures: ${JSON.stringify({ accel, ...figures })}\n`);
});

/** `runbook iso` for one machine: the built ISO plus its answer folder, installing by itself. */
async function answerIso(machine: string): Promise<string> {
  const out = path.join(work, `${machine}.iso`);
  const started = Date.now();
  const result = await execa(
    process.execPath,
    [runbook, 'iso', '--site', siteFile, '--machine', machine, '--iso', builtIso, '--out', out],
    { reject: false, all: true },
  );
  expect(result.exitCode, String(result.all)).toBe(0);
  expect(String(result.stdout)).toContain(`installs ${machine} without a keystroke`);
  figures[`runbook iso ${machine} (s)`] = Math.round((Date.now() - started) / 1000);
  return out;
}

/** known_hosts for the forwarded port with the host key the answer folder gave the machine. */
function knownHostsFor(machine: string, port: number): string {
  const pub = readFileSync(
    path.join(work, '.runbook/machine-keys', machine, 'ssh_host_ed25519_key.pub'),
    'utf8',
  );
  const file = path.join(work, `${machine}.known_hosts`);
  writeFileSync(file, `[127.0.0.1]:${port} ${pub.split(' ').slice(0, 2).join(' ')}\n`);
  return file;
}

interface Installed {
  vm: BootedVm;
  ssh: (command: string) => ReturnType<typeof guestSsh>;
}

/** Power-on to the installed system's ready line, the ISO left in the drive throughout. */
async function installZeroTouch(
  machine: string,
  address: string,
  firmware: 'bios' | 'uefi',
  diskGiB: number,
): Promise<Installed> {
  const iso = await answerIso(machine);
  const disk = path.join(work, `${machine}.qcow2`);
  await execa('qemu-img', ['create', '-q', '-f', 'qcow2', disk, `${diskGiB}G`]);
  const started = Date.now();
  const vm = await bootVm({
    name: `iso-${firmware}-${machine}`,
    accel,
    cdrom: iso,
    disk,
    firmware,
    guestAddress: address,
    serialFile: path.join(work, `${machine}.${firmware}.serial.log`),
    memoryMb: 2048,
  });
  vms.push(vm);
  await vm.waitForSerial(/installing this machine from the answer file in the ISO/, minutes(20));
  figures[`${firmware} power-on to installer (s)`] = Math.round((Date.now() - started) / 1000);
  const done = await vm.waitForSerial(new RegExp(`${READY_MARK} ${machine} (\\d+)s`), minutes(60));
  figures[`${firmware} install (s)`] = Number(done[1]);
  const ready = await vm.waitForSerial(
    new RegExp(`RUNBOOK-ISO-READY ${machine} role=(\\S+) wizard=(\\S+) ssh=(\\S+)`),
    minutes(25),
  );
  figures[`${firmware} power-on to ready (s)`] = Math.round((Date.now() - started) / 1000);
  expect(ready[3]).toBe('active');
  const known = knownHostsFor(machine, vm.sshPort);
  // Only the baked-in host key is accepted (the file already names it; a different key fails).
  await waitForGuestSsh(vm.sshPort, key, known, minutes(5));
  return { vm, ssh: (command) => guestSsh(vm.sshPort, key, known, command, minutes(10)) };
}

/** No route out, then a package the runbook installs, from the local repository. */
async function aptOffline(ssh: Installed['ssh'], pkg: string): Promise<void> {
  const noRoute = await ssh('ip route del default 2>/dev/null; ip -4 route show default | wc -l');
  expect(noRoute.out).toBe('0');
  const update = await ssh('apt-get update 2>&1; echo "exit=$?"');
  expect(update.out).toMatch(/file:\/var\/lib\/cloudstack-runbook\/apt/);
  const installed = await ssh(
    `DEBIAN_FRONTEND=noninteractive apt-get install -y ${pkg} 2>&1; echo "exit=$?"`,
  );
  expect(installed.out, installed.out.slice(-2000)).toMatch(/exit=0$/);
  const status = await ssh(`dpkg-query -W -f '\${Status}' ${pkg}`);
  expect(status.out).toBe('install ok installed');
}

describe('zero-touch install from the ISO', () => {
  it('BIOS: installs the management server, reboots into it, opens the wizard on tty1', async () => {
    const { vm, ssh } = await installZeroTouch('cloudstack-mgmt', '172.16.10.2', 'bios', 40);
    expect(vm.serial()).toMatch(/RUNBOOK-ISO-READY cloudstack-mgmt role=management wizard=active/);
    const facts = await ssh(
      [
        'hostname',
        'findmnt -n -o SOURCE /',
        'findmnt -n -o SOURCE /export/primary',
        '[ "$(readlink -f "$(swapon --show=NAME --noheadings)")" = "$(readlink -f /dev/vg0/swap)" ] && echo swap-on-lvm',
        'test -d /sys/firmware/efi && echo efi || echo bios',
        'ip -4 -o addr show eth0 | awk "{print \\$4}"',
        'sshd -T | grep -E "^(passwordauthentication|permitrootlogin) "',
        'command -v runbook',
        'test -s /etc/cloudstack-runbook/site.yaml && echo site',
        'test -s /etc/cloudstack-runbook/.runbook/known_hosts && echo known_hosts',
        'systemctl is-active cloudstack-runbook-wizard',
        'pgrep -f "runbook.js --site /etc/cloudstack-runbook/site.yaml" >/dev/null && echo wizard-running',
        'cat /etc/issue.d/cloudstack-runbook.issue',
      ].join('; '),
    );
    expect(facts.code, facts.err).toBe(0);
    const lines = facts.out.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'cloudstack-mgmt',
      '/dev/mapper/vg0-root',
      '/dev/mapper/vg0-primary',
      'swap-on-lvm',
      'bios',
      '172.16.10.2/24',
    ]);
    expect(facts.out).toContain('passwordauthentication no');
    expect(facts.out).toContain('/usr/local/bin/runbook');
    for (const word of ['site', 'known_hosts', 'wizard-running']) expect(lines).toContain(word);
    expect(facts.out).toContain("The installer's wizard opens on tty1 at the first boot");
    const version = await ssh('runbook --version');
    expect(version.code, version.err).toBe(0);
    await aptOffline(ssh, 'nfs-kernel-server');
    await vm.stop();
  });

  it('UEFI: installs a KVM host, which says it is ready and waits for the management server', async () => {
    const { vm, ssh } = await installZeroTouch('kvm1', '172.16.10.3', 'uefi', 32);
    expect(vm.serial()).toMatch(/RUNBOOK-ISO-READY kvm1 role=kvm wizard=inactive/);
    const facts = await ssh(
      [
        'test -d /sys/firmware/efi && echo efi || echo bios',
        'findmnt -n -o SOURCE /boot/efi',
        'test -e /export/primary && echo primary || echo no-primary',
        'cat /etc/issue.d/cloudstack-runbook.issue',
        'grep -c "" /root/.ssh/authorized_keys',
      ].join('; '),
    );
    expect(facts.code, facts.err).toBe(0);
    expect(facts.out.split('\n').slice(0, 3)).toEqual(['efi', '/dev/vda2', 'no-primary']);
    expect(facts.out).toContain('Ready, waiting for the management server (172.16.10.2)');
    // The operator's key and the management server's key.
    expect(facts.out.split('\n').at(-1)).toBe('2');
    await aptOffline(ssh, 'qemu-utils');
    await vm.stop();
  });
});

/** tmux on its own socket: the serial console as a terminal. */
const TMUX_SOCKET = `rb-iso-serial-${process.pid}`;

describe('interactive install over the serial console', () => {
  afterAll(() => killTmuxServer(TMUX_SOCKET));

  it('UEFI with Secure Boot: every screen answered by keystrokes installs the management server', async () => {
    const disk = path.join(work, 'interactive.qcow2');
    await execa('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '40G']);
    const started = Date.now();
    const vm = await bootVm({
      name: 'iso-interactive',
      accel,
      cdrom: builtIso,
      disk,
      firmware: 'uefi-secure-boot',
      guestAddress: '172.16.10.2',
      serialFile: path.join(work, 'interactive.serial.log'),
      memoryMb: 2048,
    });
    vms.push(vm);
    const attach = path.resolve('test/appliance/serial-attach.ts');
    const term = new Terminal(TMUX_SOCKET, 'serial', '', {
      columns: 80,
      rows: 24,
      command: `${process.execPath} ${attach} ${vm.serialSocket}; sleep 600`,
    });
    const screens: string[] = [];
    const screen = async (text: string | RegExp, timeoutMs = minutes(2)) => {
      const shown = await term.waitFor(text, timeoutMs);
      // Under TCG a screen is drawn a while before it listens for keys (its effects run after).
      await new Promise((r) => setTimeout(r, 1500));
      screens.push(shown);
      writeFileSync(path.join(work, 'interactive.screens.txt'), screens.join(`\n${'='.repeat(80)}\n`));
      return shown;
    };

    // GRUB (shim and GRUB signed for Secure Boot): the second entry puts the installer on ttyS0.
    await screen('serial console ttyS0', minutes(10));
    term.keys('Down', 'Enter');

    // 1. Language.
    const language = await screen('Step 1 of 6', minutes(20));
    figures['secure boot power-on to installer (s)'] = Math.round((Date.now() - started) / 1000);
    // Not term.fits: Ink draws where the boot messages left the cursor, not at the top.
    // The frame is laid out on 80 columns: the title left, the step indicator right.
    expect(language).toMatch(/Install this machine {2,}.*Step 1 of 6/);
    term.keys('Enter');

    // 2. The plain ISO has no site file: the runbook's defaults are offered.
    const machine = await screen('Which machine is this?');
    expect(machine).toMatch(/cloudstack-mgmt: management server, 172\.16\.10\.2 \(the runbook's defaults\)/);
    term.keys('Enter');

    // 3. The disk: only the blank virtio disk; the erase question names it, and "no" is selected.
    const disks = await screen('Install on which disk?');
    expect(disks).toMatch(/vda/);
    expect(disks).not.toMatch(/sr0/);
    term.keys('Enter');
    const erase = await screen('Erase this disk?');
    expect(erase).toMatch(/Everything on \/dev\/vda.* will be erased/);
    term.keys('Up');
    await screen(/❯ Yes, erase \/dev\/vda/);
    term.keys('Enter');

    // 4. The address, prefilled from the site.
    const address = await screen('Address of cloudstack-mgmt');
    expect(address).toContain('172.16.10.2');
    term.keys('Enter');

    // 5. root's key: nothing to offer on the plain ISO, so it is pasted.
    await screen('Paste your public key');
    term.type(readFileSync(`${key}.pub`, 'utf8').trim());
    term.keys('Enter');

    // 6. The summary, then the install with its stages.
    const summary = await screen('Ready to install');
    expect(summary).toMatch(/Disk:\s+\/dev\/vda/);
    expect(summary).toMatch(/Address:\s+172\.16\.10\.2\/24/);
    term.keys('Enter');
    const progress = await screen('Installing cloudstack-mgmt', minutes(1));
    expect(progress).toMatch(/Partition the disk/);
    const installStarted = Date.now();
    const done = await screen('cloudstack-mgmt is installed.', minutes(60));
    figures['interactive install, summary to done (s)'] = Math.round((Date.now() - installStarted) / 1000);
    expect(done).toContain('ssh root@172.16.10.2');
    for (const s of screens) for (const l of s.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    term.keys('Enter');

    // The installed system, booted with Secure Boot still on, answers SSH with the pasted key.
    await vm.waitForSerial(/RUNBOOK-ISO-READY cloudstack-mgmt role=management wizard=active ssh=active/, minutes(25));
    figures['interactive: power-on to installed and ready (s)'] = Math.round((Date.now() - started) / 1000);
    const known = path.join(work, 'interactive.known_hosts');
    rmSync(known, { force: true });
    await waitForGuestSsh(vm.sshPort, key, known, minutes(5));
    const facts = await guestSsh(
      vm.sshPort,
      key,
      known,
      [
        'hostname',
        // The last byte of the SecureBoot variable: 1 when the firmware enforces signatures.
        'od -An -t u1 /sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c | awk "{print \\$NF}"',
        'findmnt -n -o SOURCE /export/primary',
        'grep -c "" /root/.ssh/authorized_keys',
      ].join('; '),
    );
    expect(facts.code, facts.err).toBe(0);
    expect(facts.out.split('\n')).toEqual(['cloudstack-mgmt', '1', '/dev/mapper/vg0-primary', '1']);
    term.kill();
    await vm.stop();
  });
});
