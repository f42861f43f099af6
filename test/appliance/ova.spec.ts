// The all-in-one appliance (npm run appliance:ova): the OVA is what VirtualBox imports (checked
// against the DMTF schema and with qemu-img, as VirtualBox is not available here), the disk
// inside it boots as VirtualBox would attach it (SATA), and the qcow2 boots as qemu/libvirt
// users attach it (virtio). Each boot must report on its serial line, grow its disk, answer
// SSH with the key handed over through fw_cfg, and carry a working installer.
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVA_HARDWARE, OVA_NAME } from '../../appliance/ova/constants.ts';
import { outDir } from '../../appliance/lib/paths.ts';
import { tarMembers, qemuImageInfo } from '../../appliance/ova/export.ts';
import { validateOva } from '../../appliance/ova/validate.ts';
import { detectAccel } from '../../src/lab/accel.ts';
import type { Accel } from '../../src/lab/accel.ts';
import { ARTIFACTS, runBuild } from './build.ts';
import { PROBE_KERNEL, bootVm, guestSsh, waitForGuestSsh } from './qemu-boot.ts';
import type { BootedVm } from './qemu-boot.ts';

const ova = path.join(outDir, `${OVA_NAME}.ova`);
const qcow2 = path.join(outDir, `${OVA_NAME}.qcow2`);
const work = path.join(ARTIFACTS, 'ova');
let accel: Accel = 'tcg';
let key = '';
const figures: Record<string, number | string> = {};
const vms: BootedVm[] = [];

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // The images `npm run appliance:ova` left in appliance/out/ are what this tests; it builds them
  // only when they are missing (a build whose inputs changed takes over an hour under TCG).
  if (!existsSync(ova) || !existsSync(qcow2)) {
    const build = await runBuild('build-ova.ts');
    figures['build (s)'] = Math.round(build.seconds);
  }
  accel = await detectAccel(PROBE_KERNEL);
  key = path.join(work, 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'appliance-test', '-f', key]);
});

afterAll(async () => {
  for (const vm of vms) await vm.stop();
  writeFileSync(
    path.join(ARTIFACTS, 'ova-figures.json'),
    JSON.stringify({ accel, ...figures }, null, 2) + '\n',
  );
  process.stdout.write(`appliance OVA figures: ${JSON.stringify({ accel, ...figures })}\n`);
});

describe('the OVA as VirtualBox would import it', () => {
  it('validates against the OVF schema, lists the descriptor first and carries a streamOptimized VMDK', async () => {
    expect(await validateOva(ova)).toEqual([]);
    const members = await tarMembers(ova);
    expect(members[0]).toBe(`${OVA_NAME}.ovf`);
    expect(members).toContain(`${OVA_NAME}-disk1.vmdk`);
  });

  it('asks for the hardware an all-in-one cloud needs: 4 vCPUs, 8 GiB, nested VT-x, virtio NIC', async () => {
    const dir = mkdtempSync(path.join(work, 'ovf-'));
    await execa('tar', ['-xf', ova, '-C', dir, `${OVA_NAME}.ovf`]);
    const ovf = readFileSync(path.join(dir, `${OVA_NAME}.ovf`), 'utf8');
    expect(ovf).toMatch(
      /<rasd:ResourceType>3<\/rasd:ResourceType>\s*<rasd:VirtualQuantity>4<\/rasd:VirtualQuantity>/,
    );
    expect(ovf).toMatch(
      /<rasd:ResourceType>4<\/rasd:ResourceType>\s*<rasd:VirtualQuantity>8192<\/rasd:VirtualQuantity>/,
    );
    expect(ovf).toContain('<NestedHWVirt enabled="true"/>');
    expect(ovf).toMatch(
      /<rasd:ResourceSubType>virtio<\/rasd:ResourceSubType>\s*<rasd:ResourceType>10</,
    );
    expect(ovf).toContain('type="virtio"');
    expect(OVA_HARDWARE).toMatchObject({ cpus: 4, memoryMb: 8192 });
  });

  it('ships sums, sizes and the package manifest read from inside the image', async () => {
    const check = await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: outDir, reject: false });
    expect(check.exitCode, String(check.stdout)).toBe(0);
    const manifest = readFileSync(path.join(outDir, `${OVA_NAME}.packages.txt`), 'utf8');
    for (const pkg of [
      'linux-image-amd64',
      'grub-pc',
      'cloud-guest-utils',
      'mariadb-server',
      'nfs-kernel-server',
      'libvirt-daemon-system',
      'openssh-server',
    ]) {
      // Architecture-independent packages (cloud-guest-utils) are listed as `all`.
      expect(manifest).toMatch(new RegExp(`^${pkg} \\S+ (amd64|all)$`, 'm'));
    }
    const report = JSON.parse(
      readFileSync(path.join(outDir, `${OVA_NAME}.build.json`), 'utf8'),
    ) as { files: { name: string; bytes: number }[]; install: { counts: Record<string, number> } };
    for (const f of report.files) figures[`size ${f.name} (MiB)`] = Math.round(f.bytes / 2 ** 20);
    figures['install on the build VM'] = JSON.stringify(report.install.counts);
    expect(report.install.counts.failed).toBe(0);
  });
});

async function bootAndInspect(name: string, disk: string, bus: 'virtio' | 'sata', format: 'qcow2') {
  const serialFile = path.join(work, `${name}.serial.log`);
  const keyFile = `${key}.pub`;
  const started = Date.now();
  const vm = await bootVm({
    name,
    accel,
    disk,
    diskFormat: format,
    diskBus: bus,
    memoryMb: 3072,
    cpus: 2,
    serialFile,
    fwCfg: { 'opt/cloudstack-runbook/authorized_keys': keyFile },
  });
  vms.push(vm);
  const ready = await vm.waitForSerial(
    /RUNBOOK-APPLIANCE-READY (\S+) firstboot=(\S+) ssh=(\S+)/,
    (accel === 'kvm' ? 5 : 20) * 60_000,
  );
  figures[`${name}: boot to ready (s)`] = Math.round((Date.now() - started) / 1000);
  const knownHosts = path.join(work, `${name}.known_hosts`);
  await waitForGuestSsh(vm.sshPort, key, knownHosts, 5 * 60_000);
  return {
    vm,
    ready,
    serial: vm.serial(),
    knownHosts,
    ssh: (command: string) => guestSsh(vm.sshPort, key, knownHosts, command),
  };
}

describe('the OVA disk boots as VirtualBox attaches it (SATA, BIOS)', () => {
  it('reports ready, grows the disk, shows the UI address and takes the key', async () => {
    // An overlay keeps the OVA's VMDK untouched, as VirtualBox clones it on import.
    const dir = mkdtempSync(path.join(work, 'vmdk-'));
    await execa('tar', ['-xf', ova, '-C', dir, `${OVA_NAME}-disk1.vmdk`]);
    const overlay = path.join(work, 'ova-boot.qcow2');
    await execa('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-F',
      'vmdk',
      '-b',
      path.join(dir, `${OVA_NAME}-disk1.vmdk`),
      overlay,
    ]);
    const { ready, serial, knownHosts, ssh } = await bootAndInspect(
      'ova-sata',
      overlay,
      'sata',
      'qcow2',
    );
    expect(ready[1]).toBe('cloudstack-mgmt');
    expect(ready[2]).toBe('done');
    expect(ready[3]).toBe('active');
    // The host key the SSH client learnt is the one the first boot printed on the console.
    const learnt = await execa('ssh-keygen', ['-lf', knownHosts]);
    const fingerprint = String(learnt.stdout).split(/\s+/)[1]!;
    expect(serial).toContain(fingerprint);

    const size = await ssh('df -B1 --output=size / | tail -1');
    // The VM still runs on the overlay: read it without taking qemu's write lock.
    const virtual = (await qemuImageInfo(overlay, { shared: true })).virtualSize;
    expect(Number(size.out)).toBeGreaterThan(virtual * 0.9);
    expect((await ssh('cat /etc/issue.d/cloudstack-runbook.issue')).out).toContain(
      'http://172.16.10.2:8080/client',
    );
    expect((await ssh('cat /root/.ssh/authorized_keys')).out).toBe(
      readFileSync(`${key}.pub`, 'utf8').trim(),
    );
    expect((await ssh('grep -c deb.debian.org /etc/hosts || true')).out).toBe('0');
    expect((await ssh('findmnt -no SOURCE /')).out).toBe('/dev/sda1');
  });
});

describe('the qcow2 boots as qemu/libvirt attach it (virtio, BIOS)', () => {
  it('reports ready and runs the bundled installer against its own site and journal', async () => {
    const overlay = path.join(work, 'qcow2-boot.qcow2');
    await execa('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', qcow2, overlay]);
    const { ready, ssh } = await bootAndInspect('qcow2-virtio', overlay, 'virtio', 'qcow2');
    expect(ready[2]).toBe('done');
    expect((await ssh('findmnt -no SOURCE /')).out).toBe('/dev/vda1');
    // The runbook as the build left it: the bundled Node, no npm, and the journal of the build.
    expect(
      (await ssh('test ! -e /usr/bin/npm && /opt/cloudstack-runbook/bin/node --version')).out,
    ).toMatch(/^v24\./);
    const check = await ssh('cd /etc/cloudstack-runbook && runbook check --site site.yaml');
    expect(check.code, `${check.out}\n${check.err}`).toBe(0);
    const status = await ssh(
      'cd /etc/cloudstack-runbook && runbook status --site site.yaml --json',
    );
    expect(status.code, `${status.out}\n${status.err}`).toBe(0);
    const journal = JSON.parse(status.out) as {
      steps: { id: string; status: string }[];
      counts: Record<string, number>;
    };
    figures['journal in the image'] = JSON.stringify(journal.counts);
    expect(['ok', 'changed', 'skipped']).toContain(
      journal.steps.find((s) => s.id === 'mariadb-install')?.status,
    );
    expect((await ssh('systemctl is-active mariadb nfs-server libvirtd')).out.split('\n')).toEqual([
      'active',
      'active',
      'active',
    ]);
    expect((await ssh('ip -4 -o addr show cloudbr0')).out).toContain('172.16.10.2/24');
  });
});
