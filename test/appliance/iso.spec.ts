// The installer ISO (npm run appliance:iso), built here with a config file that bakes in the
// test's SSH key: its BIOS (isolinux) and UEFI (GRUB) boot paths reach their menus; then the
// unattended install runs into a blank disk, reaching Debian's archive only through the lab's
// archive proxy, and powers off; the installed disk boots, reports on the serial line, opens
// the wizard on tty1, answers SSH with the key and has the runbook's disk layout.
import { execa } from 'execa';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grubCfg, INSTALLER_APPEND, KERNEL, MENU_TITLE } from '../../appliance/iso/boot-config.ts';
import { detectAccel } from '../../src/lab/accel.ts';
import type { Accel } from '../../src/lab/accel.ts';
import { createArchiveProxy, listeningPort } from '../../src/lab/archive-proxy.ts';
import { ARTIFACTS, runBuild } from './build.ts';
import { PROBE_KERNEL, PROXY_ADDRESS, bootVm, guestSsh, waitForGuestSsh } from './qemu-boot.ts';
import type { BootedVm } from './qemu-boot.ts';

const work = path.join(ARTIFACTS, 'iso');
const iso = path.join(work, 'out', 'test-installer.iso');
const key = path.join(work, 'id_ed25519');
const disk = path.join(work, 'installed.qcow2');
let accel: Accel = 'tcg';
let proxy: Server | undefined;
const proxyLog: string[] = [];
const figures: Record<string, number | string> = {};
const vms: BootedVm[] = [];
const minutes = (n: number) => n * 60_000;
let installed = false;

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'iso-test', '-f', key]);
  const config = readFileSync(path.join('appliance', 'iso', 'config.yaml'), 'utf8').replace(
    /^authorizedKeys: \[\]$/m,
    `authorizedKeys:\n  - ${readFileSync(`${key}.pub`, 'utf8').trim()}`,
  );
  writeFileSync(path.join(work, 'config.yaml'), config);
  const build = await runBuild('build-iso.ts', [
    '--config',
    path.join(work, 'config.yaml'),
    '--out',
    path.join(work, 'out'),
    '--name',
    'test-installer',
  ]);
  figures['build (s)'] = Math.round(build.seconds);
  accel = await detectAccel(PROBE_KERNEL);
  proxy = createArchiveProxy({ log: (line) => proxyLog.push(line) });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const vm of vms) await vm.stop();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  writeFileSync(path.join(work, 'archive-proxy.log'), proxyLog.join('\n') + '\n');
  writeFileSync(
    path.join(ARTIFACTS, 'iso-figures.json'),
    JSON.stringify({ accel, ...figures }, null, 2) + '\n',
  );
  process.stdout.write(`appliance ISO figures: ${JSON.stringify({ accel, ...figures })}\n`);
});

describe('the ISO on both firmwares', () => {
  it('UEFI: GRUB finds the ISO and shows the install entry', async () => {
    const vm = await bootVm({
      name: 'iso-uefi',
      accel,
      cdrom: iso,
      firmware: 'uefi',
      serialFile: path.join(work, 'uefi.serial.log'),
      memoryMb: 1024,
    });
    vms.push(vm);
    await vm.waitForSerial(new RegExp(MENU_TITLE.replace(/[()]/g, '\\$&')), minutes(8));
    await vm.stop();
    expect(grubCfg()).toContain(`linux ${KERNEL} ${INSTALLER_APPEND}`);
  });

  it('BIOS: installs Debian 12 unattended into a blank disk, asking only for the address, through the archive proxy', async () => {
    await execa('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '40G']);
    const started = Date.now();
    const vm = await bootVm({
      name: 'iso-install',
      accel,
      disk,
      cdrom: iso,
      memoryMb: 2048,
      cpus: 2,
      serialFile: path.join(work, 'install.serial.log'),
      noReboot: true,
      guestForwards: [{ guestPort: 3142, hostPort: listeningPort(proxy!) }],
    });
    vms.push(vm);
    // At isolinux's prompt (on the serial line too), add what this machine room needs to the
    // install entry: the serial console and the lab's archive proxy as the installer's proxy.
    await vm.waitForSerial(/boot: /, minutes(5));
    await vm.type(
      `install console=ttyS0,115200n8 mirror/http/proxy=http://${PROXY_ADDRESS}:3142/\r`,
    );
    // The one question: this machine's static address. Nothing may be asked before it.
    await vm.waitForSerial(/IP address:/, minutes(accel === 'kvm' ? 10 : 45));
    figures['installer start to the address question (s)'] = Math.round(
      (Date.now() - started) / 1000,
    );
    await vm.type('172.16.10.2\r');
    // Past the question the installer fetches its own components (udebs) from the archive. An
    // archive that serves .deb but not .udeb files (as the one reachable from this project's
    // build machine does) stops it there: say so precisely instead of waiting for the timeout.
    const next = await Promise.race([
      vm
        .waitForSerial(
          /failed to download a file from the mirror/,
          minutes(accel === 'kvm' ? 10 : 60),
        )
        .then(() => 'download-failed' as const),
      vm
        .waitForSerial(
          /Partition disks|Installing the base system/,
          minutes(accel === 'kvm' ? 10 : 60),
        )
        .then(() => 'progress' as const),
    ]);
    figures['installer start to its components download (s)'] = Math.round(
      (Date.now() - started) / 1000,
    );
    if (next === 'download-failed') {
      const missing = proxyLog.filter((l) => /^404 GET .*\.udeb$/.test(l));
      expect.fail(
        missing.length > 0
          ? `debian-installer could not download its components: the archive behind the lab proxy answers 404 for them (${missing.slice(0, 3).join('; ')}). It serves .deb files but no .udeb files, which a network install needs; run this test where deb.debian.org serves the full archive.`
          : `debian-installer failed to download a file from the mirror; archive proxy log: ${proxyLog.slice(-5).join('; ')}`,
      );
    }
    const deadline = Date.now() + minutes(accel === 'kvm' ? 30 : 150);
    while (!vm.exited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5000));
    figures['unattended install (s)'] = Math.round((Date.now() - started) / 1000);
    expect(
      vm.exited(),
      `the install did not finish in time; serial log: ${path.join(work, 'install.serial.log')}`,
    ).toBe(true);
    expect(vm.serial()).not.toMatch(/Installation step failed|An installation step failed/);
    expect(proxyLog.some((l) => /^200 GET \/debian\/dists\/bookworm\/(In)?Release/.test(l))).toBe(
      true,
    );
    expect(proxyLog.filter((l) => l.startsWith('refused'))).toEqual([]);
    installed = true;
  });

  it('boots the installed disk: ready report, wizard on tty1, SSH by key, LVM with /export/primary', async () => {
    expect(
      installed,
      'the unattended install did not complete, so there is no installed disk to boot',
    ).toBe(true);
    const started = Date.now();
    const vm = await bootVm({
      name: 'installed',
      accel,
      disk,
      memoryMb: 2048,
      serialFile: path.join(work, 'installed.serial.log'),
    });
    vms.push(vm);
    const ready = await vm.waitForSerial(
      /RUNBOOK-ISO-READY (\S+) wizard=(\S+) ssh=(\S+)/,
      minutes(accel === 'kvm' ? 5 : 20),
    );
    figures['installed system: boot to ready (s)'] = Math.round((Date.now() - started) / 1000);
    expect(ready.slice(1)).toEqual(['cloudstack-mgmt', 'active', 'active']);
    const knownHosts = path.join(work, 'known_hosts');
    await waitForGuestSsh(vm.sshPort, key, knownHosts, minutes(5));
    const ssh = (command: string) => guestSsh(vm.sshPort, key, knownHosts, command);
    expect((await ssh('findmnt -no SOURCE /export/primary')).out).toBe('/dev/mapper/vg0-primary');
    expect((await ssh('findmnt -no SOURCE /')).out).toBe('/dev/mapper/vg0-root');
    expect((await ssh('findmnt -no FSTYPE /export/primary')).out).toBe('ext4');
    expect((await ssh('passwd -S root | cut -d" " -f2')).out).toBe('L');
    expect((await ssh('ip -4 -o addr show scope global')).out).toContain('172.16.10.2/24');
    expect((await ssh('/opt/cloudstack-runbook/bin/node --version')).out).toMatch(/^v24\./);
    expect((await ssh('command -v npm || echo none')).out).toBe('none');
    expect((await ssh('ps -o args= -t tty1')).out).toContain(
      '/opt/cloudstack-runbook/installer/bin/runbook.js',
    );
    const packages = await ssh(
      "dpkg-query -W -f '${binary:Package} ${Version} ${Architecture}\\n'",
    );
    writeFileSync(path.join(work, 'installed.packages.txt'), packages.out + '\n');
    expect(packages.out).toMatch(/^lvm2 \S+ amd64$/m);
    figures['installed packages'] = packages.out.split('\n').length;
  });
});
