// The machine installer's rules, without a disk: the layout for each role, the disks it may
// erase (never the one it booted from, never one too small), the answer file's checks (the
// same messages as `runbook check`, every problem at once), the files that make the prepared
// system a machine, and the engine's stages against a recording shell and a temporary folder.
import { execa } from 'execa';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  existsSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, formatProblem } from '../../src/diagnostics.ts';
import { parseSiteText } from '../../src/site-file/load.ts';
import { loadAnswer } from '../../installer/machine-install/answer-file.ts';
import { writeAnswerFolder } from '../../installer/machine-install/answer-bundle.ts';
import { answerMenu, grubCfg, plainMenu } from '../../installer/machine-install/boot-menu.ts';
import { chooseAnswerDisk, judgeDisks, parseLsblk } from '../../installer/machine-install/disks.ts';
import {
  configure,
  installMachine,
  type InstallEvent,
  type Shell,
  unsquashfsProgress,
} from '../../installer/machine-install/engine.ts';
import {
  GiB,
  minimumDiskBytes,
  partitionPath,
  planLayout,
  sgdiskArgs,
} from '../../installer/machine-install/layout.ts';
import { siteMachines } from '../../installer/machine-install/machines.ts';
import { chooseAnswer, answerFromCmdline } from '../../installer/machine-install/media.ts';
import { chooseNic, type Nic } from '../../installer/machine-install/nics.ts';
import { installInput, prepareFromAnswer } from '../../installer/machine-install/prepare.ts';
import { parseCmdline, type MachineFacts } from '../../installer/machine-install/probe.ts';
import { consoleDevices } from '../../installer/machine-install/consoles.ts';
import {
  fstab,
  interfaceLink,
  siteForMachines,
} from '../../installer/machine-install/target-files.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'machine-install-'));
const SITE = `name: test
network: { interface: eth0, cidr: 172.16.10.0/24, gateway: 172.16.10.1, dns: [172.16.10.1] }
management: { address: 172.16.10.2, hostname: cloudstack-mgmt }
hosts:
  - { address: 172.16.10.3, hostname: kvm1, ssh: { host: 127.0.0.1, port: 2203 } }
ssh: { user: root, identity: ${dir}/id_ed25519 }
`;
const KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMc7mVhq37mitFl9O/9quLhcRxXWbJHiaTLthWl8M8vX me@laptop';
const site = parseSiteText(SITE, 'site.yaml').site;
const [mgmt, kvm1] = siteMachines(site);

const lsblk = JSON.stringify({
  blockdevices: [
    {
      name: 'sr0',
      path: '/dev/sr0',
      size: 801855488,
      model: 'QEMU DVD-ROM',
      serial: null,
      type: 'rom',
      tran: 'sata',
      rm: true,
      ro: false,
    },
    {
      name: 'vda',
      path: '/dev/vda',
      size: 42949672960,
      model: null,
      serial: 'disk1',
      type: 'disk',
      tran: null,
      rm: false,
      ro: false,
    },
    {
      name: 'sdb',
      path: '/dev/sdb',
      size: 16008609792,
      model: 'USB Stick',
      serial: 'u1',
      type: 'disk',
      tran: 'usb',
      rm: true,
      ro: false,
    },
    {
      name: 'vdc',
      path: '/dev/vdc',
      size: 10 * 2 ** 30,
      model: null,
      serial: 'small',
      type: 'disk',
      tran: null,
      rm: false,
      ro: false,
    },
  ],
});
const disks = parseLsblk(lsblk);
const vda = disks.find((d) => d.name === 'vda')!;
const nic: Nic = { name: 'enp0s2', mac: '52:54:00:10:0a:02', driver: 'virtio_net', carrier: true };

function facts(over: Partial<MachineFacts> = {}): MachineFacts {
  return {
    disks,
    protectedDisks: ['sr0'],
    nics: [nic],
    efi: false,
    consoleArgs: ['console=ttyS0,115200n8', 'console=tty0'],
    options: {},
    volumeGroups: [],
    ...over,
  };
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

describe('disk layout', () => {
  it('gives the management server root, swap and a primary storage volume at storage.primary', () => {
    const layout = planLayout(40 * GiB, 'management', '/export/primary');
    expect(layout.partitions.map((p) => p.type)).toEqual(['EF02', 'EF00', '8E00']);
    expect(layout.volumes.map((v) => [v.name, v.mount])).toEqual([
      ['root', '/'],
      ['swap', undefined],
      ['primary', '/export/primary'],
    ]);
    const total = layout.volumes.reduce((s, v) => s + v.bytes, 0);
    expect(total).toBeLessThan(40 * GiB - 512 * 2 ** 20);
    expect(layout.volumes[0]!.bytes).toBe(16 * GiB);
    expect(
      planLayout(250e9, 'all-in-one', '/srv/primary').volumes.map((v) => [
        v.name,
        v.bytes / GiB,
        v.mount,
      ]),
    ).toEqual([
      ['root', 64, '/'],
      ['swap', 2, undefined],
      ['primary', expect.any(Number), '/srv/primary'],
    ]);
  });

  it('gives a KVM host root over the rest and no primary volume', () => {
    const layout = planLayout(40 * GiB, 'kvm', '/export/primary');
    expect(layout.volumes.map((v) => v.name)).toEqual(['swap', 'root']);
    expect(layout.volumes.at(-1)!.rest).toBe(true);
  });

  it('refuses a disk smaller than the role needs, and writes the partition table with sgdisk', () => {
    expect(minimumDiskBytes('management')).toBeGreaterThan(minimumDiskBytes('kvm'));
    expect(() =>
      planLayout(minimumDiskBytes('kvm') + GiB, 'management', '/export/primary'),
    ).toThrow(/needs a disk of at least/);
    expect(sgdiskArgs(planLayout(40 * GiB, 'kvm', '/p'), '/dev/vda')).toEqual([
      '-n',
      '1:2048:+1M',
      '-t',
      '1:EF02',
      '-c',
      '1:bios-boot',
      '-n',
      '2:0:+512M',
      '-t',
      '2:EF00',
      '-c',
      '2:esp',
      '-n',
      '3:0:0',
      '-t',
      '3:8E00',
      '-c',
      '3:lvm',
      '/dev/vda',
    ]);
    expect([partitionPath('/dev/sda', 2), partitionPath('/dev/nvme0n1', 2)]).toEqual([
      '/dev/sda2',
      '/dev/nvme0n1p2',
    ]);
  });
});

describe('which disk may be erased', () => {
  it('never the disk the installer booted from, nor a read-only or too small one', () => {
    const verdicts = judgeDisks(disks, ['sdb'], 'management');
    const by = (name: string) => verdicts.find((v) => v.disk.name === name);
    expect(by('sr0')).toBeUndefined(); // not a disk at all
    expect(by('sdb')!.refused).toMatch(/installer runs from this disk/);
    expect(by('vdc')!.refused).toMatch(/too small/);
    expect(by('vda')!.refused).toBeUndefined();
  });

  it('picks the one disk that fits for auto, and explains a named disk it refuses', () => {
    const verdicts = judgeDisks(disks, ['sdb'], 'kvm');
    const where = { file: 'answer.yaml', line: 4 };
    expect(chooseAnswerDisk('auto', verdicts, where)).toEqual({ disk: vda });
    const refused = chooseAnswerDisk('/dev/sdb', verdicts, where);
    expect('problem' in refused && formatProblem(refused.problem)).toMatch(
      /^answer\.yaml:4: disk: \/dev\/sdb, 16\.0 GB, USB Stick cannot be used: the installer runs from this disk/,
    );
    const twoFit = chooseAnswerDisk(
      'auto',
      judgeDisks([...disks, { ...vda, name: 'vdb', path: '/dev/vdb' }], ['sdb'], 'kvm'),
      where,
    );
    expect('problem' in twoFit && twoFit.problem.message).toMatch(/"auto" fits 2 disks/);
    const none = chooseAnswerDisk('/dev/nvme9n1', verdicts, where);
    expect('problem' in none && none.problem.fix).toMatch(/name one of the disks listed/);
  });
});

describe('network card', () => {
  it('takes the only card, or the only one with a link; otherwise asks for a name or MAC', () => {
    const where = { file: 'answer.yaml', line: 0 };
    const other: Nic = {
      name: 'enp0s3',
      mac: '52:54:00:00:00:09',
      driver: 'e1000e',
      carrier: false,
    };
    expect(chooseNic([nic, other], 'auto', where)).toEqual({ nic });
    expect(chooseNic([nic, other], '52:54:00:00:00:09', where)).toEqual({ nic: other });
    const both = chooseNic([nic, { ...other, carrier: true }], 'auto', where);
    expect('problem' in both && both.problem.message).toMatch(
      /cannot choose between enp0s2 \(52:54:00:10:0a:02, virtio_net, link up\)/,
    );
  });

  it('renames the card to the site interface by its MAC, and only when the names differ', () => {
    expect(interfaceLink(site, nic)).toContain('MACAddress=52:54:00:10:0a:02\n\n[Link]\nName=eth0');
    expect(interfaceLink(site, { ...nic, name: 'eth0' })).toBeUndefined();
  });
});

describe('answer file', () => {
  const write = (name: string, files: Record<string, string>) => {
    const d = path.join(dir, name);
    mkdirSync(d, { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(path.join(d, f), text);
    return d;
  };

  it('reads the site with the same checks and messages as `runbook check`, all problems at once', () => {
    const badSite = SITE.replace('gateway: 172.16.10.1', 'gateway: 172.16.99.1');
    const d = write('bad', {
      'site.yaml': badSite,
      'answer.yaml': `machine: kvm9\nauthorizedKeys: []\ncolour: blue\n`,
    });
    const problems = problemsOf(() => loadAnswer(d));
    expect(problems.some((p) => p.includes('answer.yaml:3:1: colour: unknown key "colour"'))).toBe(
      true,
    );
    const second = write('bad2', {
      'site.yaml': badSite,
      'answer.yaml': `machine: kvm9\nauthorizedKeys: []\n`,
    });
    const messages = problemsOf(() => loadAnswer(second));
    let checkMessages: string[] = [];
    try {
      parseSiteText(badSite, path.join(second, 'site.yaml'));
    } catch (error) {
      checkMessages = (error as InputError).problems.map(formatProblem);
    }
    expect(checkMessages.length).toBeGreaterThan(0);
    for (const m of checkMessages) expect(messages).toContain(m);
    expect(messages.some((m) => /authorizedKeys: names no SSH key/.test(m))).toBe(true);
  });

  it('names an unknown machine with the ones the site has; the kernel command line may choose', () => {
    const d = write('machine', {
      'site.yaml': SITE,
      'answer.yaml': `machine: kvm9\nauthorizedKeys: ['${KEY}']\n`,
    });
    expect(problemsOf(() => loadAnswer(d))).toEqual([
      expect.stringMatching(
        /answer\.yaml:1:10: machine: "kvm9" is not a machine of site\.yaml; it has cloudstack-mgmt, kvm1/,
      ),
    ]);
    expect(loadAnswer(d, 'kvm1').machine).toEqual(kvm1);
  });

  it('stops before any disk is touched when the machine has no disk to use', () => {
    const d = write('nodisk', {
      'site.yaml': SITE,
      'answer.yaml': `machine: cloudstack-mgmt\ndisk: /dev/sdb\nauthorizedKeys: ['${KEY}']\n`,
    });
    const answer = loadAnswer(d);
    expect(
      problemsOf(() =>
        prepareFromAnswer(answer, facts({ protectedDisks: ['sr0', 'sdb'] }), (x) => x, 'iso'),
      ),
    ).toEqual([
      expect.stringMatching(/disk: \/dev\/sdb.*cannot be used: the installer runs from this disk/),
    ]);
    expect(
      problemsOf(() =>
        prepareFromAnswer(
          answer,
          facts({ volumeGroups: [{ name: 'vg0', pv: '/dev/vdc3' }] }),
          () => '/dev/vda',
          'iso',
        ),
      ),
    ).toEqual(
      [
        expect.stringMatching(/disk: /),
        expect.stringMatching(/another disk already holds a volume group vg0 \(on \/dev\/vdc3\)/),
      ].slice(1),
    );
  });

  it('prefers a USB stick to the ISO, and runbook.answer=none turns zero-touch off', () => {
    const iso = { dir: '/run/live/medium/cloudstack-runbook/answer', where: 'the ISO' };
    const stick = {
      dir: write('stick', { 'answer.yaml': 'machine: kvm1\n' }),
      where: 'the USB stick /dev/sdb1',
    };
    expect(chooseAnswer(undefined, stick, iso)).toBe(stick);
    expect(chooseAnswer(undefined, { ...stick, dir: path.join(dir, 'empty') }, iso)).toBe(iso);
    expect(chooseAnswer(answerFromCmdline('none'), stick, iso)).toBeUndefined();
    expect(
      parseCmdline(
        'BOOT_IMAGE=/live/vmlinuz boot=live runbook.machine=kvm1 console=ttyS0,115200n8 console=tty0',
      ),
    ).toEqual({
      consoleArgs: ['console=ttyS0,115200n8', 'console=tty0'],
      options: { machine: 'kvm1' },
    });
    expect(consoleDevices(['console=ttyS0,115200n8', 'console=tty0'])).toEqual(['ttyS0', 'tty1']);
  });

  it('is written by `runbook iso` with host keys, the management key and the operator known_hosts', async () => {
    await execa('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-f',
      path.join(dir, 'id_ed25519'),
    ]);
    const siteFile = path.join(dir, 'site.yaml');
    writeFileSync(siteFile, SITE);
    const out = path.join(dir, 'folder');
    const loaded = parseSiteText(SITE, siteFile);
    const first = await writeAnswerFolder({ loaded, out, machine: 'kvm1' });
    expect(first.machine).toEqual(kvm1);
    const answer = loadAnswer(out);
    expect(answer.machine).toEqual(kvm1);
    expect(answer.authorizedKeys).toEqual([
      readFileSync(path.join(dir, 'id_ed25519.pub'), 'utf8').trim(),
      answer.managementKey!.publicKey,
    ]);
    expect(answer.hostKey!.publicKey).toMatch(/^ssh-ed25519 /);
    const operatorKnown = readFileSync(path.join(dir, '.runbook/known_hosts'), 'utf8');
    // The operator reaches kvm1 through its ssh override; the management server by address.
    expect(operatorKnown).toContain(
      `[127.0.0.1]:2203 ${answer.hostKey!.publicKey.split(' ').slice(0, 2).join(' ')}`,
    );
    expect(answer.knownHosts).toContain(
      `172.16.10.3 ${answer.hostKey!.publicKey.split(' ').slice(0, 2).join(' ')}`,
    );
    // A second ISO keeps the same keys, so machines installed from the first still match.
    await writeAnswerFolder({ loaded, out: path.join(dir, 'folder2') });
    expect(loadAnswer(path.join(dir, 'folder2'), 'kvm1').hostKey).toEqual(answer.hostKey);
    expect(operatorKnown.split('\n').filter(Boolean)).toHaveLength(2);
  });
});

describe('boot menu', () => {
  it('boots an installed machine by default and offers the installer on the screen or the serial line', () => {
    const cfg = grubCfg(plainMenu());
    expect(cfg).toContain(
      'if search --no-floppy --set=installed --file /EFI/cloudstack-runbook/installed; then',
    );
    // UEFI: the shim is chained from the installed ESP as root, so it finds its GRUB there.
    expect(cfg).toContain('      set root=$installed\n      chainloader /EFI/BOOT/BOOTX64.EFI');
    expect(cfg).toContain(
      'linux /live/vmlinuz boot=live quiet console=tty0 console=ttyS0,115200n8',
    );
    const baked = answerMenu(siteMachines(site), 'kvm1');
    expect(baked.timeoutSeconds).toBe(10);
    expect(baked.entries[0]!.append).toBe(
      'runbook.machine=kvm1 console=ttyS0,115200n8 console=tty0',
    );
    expect(answerMenu(siteMachines(site)).timeoutSeconds).toBe(-1);
  });
});

describe('the prepared system becomes this machine', () => {
  it('site copy: machines reached directly, as root, with the management key', () => {
    const text = siteForMachines(SITE, true);
    const copy = parseSiteText(text, 'copy.yaml').site;
    expect(copy.hosts[0]!.ssh).toBeUndefined();
    expect(copy.ssh).toMatchObject({
      user: 'root',
      identity: '/etc/cloudstack-runbook/id_ed25519',
      port: 22,
    });
  });

  it('writes fstab, network, names, sources, keys and first boot into the target folder', async () => {
    const target = path.join(dir, 'target');
    for (const d of ['etc/ssh', 'etc/apt', 'usr/share/keyrings'])
      mkdirSync(path.join(target, d), { recursive: true });
    writeFileSync(path.join(target, 'etc/ssh/ssh_host_rsa_key'), 'old');
    writeFileSync(
      path.join(target, 'etc/apt/sources.list'),
      'deb http://deb.debian.org/debian bookworm main\n',
    );
    const input = installInput(
      {
        site: { site, file: 'site.yaml', warnings: [] },
        hostKey: { privateKey: 'PRIVATE\n', publicKey: 'ssh-ed25519 AAAA root@kvm1' },
      },
      { machine: mgmt!, disk: vda, nic, authorizedKeys: [KEY], siteText: SITE },
      facts(),
      'test-iso',
    );
    const targetFiles = path.join('installer', 'machine-install', 'target');
    await configure(
      input,
      { systemImage: '', repo: '', keyring: '', installer: '', wrapper: '', targetFiles },
      target,
      async (cmd) => (cmd === 'blkid' ? 'ABCD-1234\n' : ''),
    );
    const read = (f: string) => readFileSync(path.join(target, f), 'utf8');
    expect(read('etc/fstab')).toBe(fstab(input.layout, 'ABCD-1234'));
    expect(read('etc/fstab')).toContain(
      '/dev/mapper/vg0-primary /export/primary ext4 defaults 0 2',
    );
    expect(read('etc/network/interfaces')).toContain(
      'iface eth0 inet static\n    address 172.16.10.2/24\n    gateway 172.16.10.1',
    );
    expect(read('etc/systemd/network/10-cloudstack-runbook.link')).toContain('Name=eth0');
    expect(read('etc/hostname')).toBe('cloudstack-mgmt\n');
    expect(existsSync(path.join(target, 'etc/apt/sources.list'))).toBe(false);
    expect(read('etc/apt/sources.list.d/cloudstack-runbook-local.sources')).toContain(
      'URIs: file:/var/lib/cloudstack-runbook/apt',
    );
    expect(read('etc/apt/sources.list.d/debian.sources')).toContain('Enabled: no');
    expect(read('root/.ssh/authorized_keys')).toBe(`${KEY}\n`);
    expect(statSync(path.join(target, 'root/.ssh/authorized_keys')).mode & 0o777).toBe(0o600);
    expect(
      readdirSync(path.join(target, 'etc/ssh'))
        .filter((f) => f.startsWith('ssh_host_'))
        .sort(),
    ).toEqual(['ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub']);
    expect(read('etc/default/grub')).toContain(
      'GRUB_CMDLINE_LINUX="console=ttyS0,115200n8 console=tty0"',
    );
    expect(read('etc/cloudstack-runbook/machine.env')).toContain('MACHINE_ROLE=management');
    expect(read('etc/systemd/system/cloudstack-runbook-wizard.service')).toContain(
      'TTYPath=/dev/tty1',
    );
  });

  it('runs the stages in order and never touches a disk other than the chosen one', async () => {
    const commands: string[] = [];
    const shell: Shell = {
      async run(command, args) {
        commands.push([command, ...args].join(' '));
        if (command === 'pvs') return '  /dev/vda3:vg0\n  /dev/vdc1:data\n';
        if (command === 'lsblk') return '/dev/vda  disk\n/dev/vda1 part\n/dev/vda3 part\n';
        if (command === 'blkid') return 'ABCD-1234\n';
        return '';
      },
    };
    const target = path.join(dir, 'engine-target');
    for (const d of ['etc/ssh', 'etc/apt', 'usr/share/keyrings', 'usr/local/bin', 'opt'])
      mkdirSync(path.join(target, d), { recursive: true });
    const keyring = path.join(dir, 'keyring.gpg');
    writeFileSync(keyring, 'key');
    const input = installInput(
      { site: { site, file: 'site.yaml', warnings: [] } },
      { machine: kvm1!, disk: vda, nic, authorizedKeys: [KEY], siteText: SITE },
      facts(),
      'iso',
    );
    const events: InstallEvent[] = [];
    await installMachine(
      input,
      {
        systemImage: '/run/live/medium/live/10-system.squashfs',
        repo: path.join(dir, 'repo'),
        keyring,
        installer: '/opt/cloudstack-runbook',
        wrapper: '/usr/local/bin/runbook',
        targetFiles: path.join('installer', 'machine-install', 'target'),
      },
      shell,
      (e) => events.push(e),
      target,
    );
    expect(
      events
        .filter((e) => e.type === 'stage' && e.state === 'done')
        .map((e) => (e as { id: string }).id),
    ).toEqual(['disk', 'volumes', 'system', 'repository', 'configure', 'bootloader', 'finish']);
    const writes = commands.filter((c) => /^(wipefs|sgdisk|mkfs|pvcreate|vgcreate|mkswap)/.test(c));
    for (const c of writes) expect(c).toMatch(/\/dev\/vda|\/dev\/vg0\//);
    expect(commands).toContain('vgchange -an vg0');
    expect(commands).not.toContain('vgchange -an data');
    expect(commands.some((c) => c.includes('grub-install --target=i386-pc /dev/vda'))).toBe(true);
    expect(
      commands.some((c) => c.includes('--uefi-secure-boot --force-extra-removable --no-nvram')),
    ).toBe(true);
    expect(
      readFileSync(path.join(target, 'boot/efi/EFI/cloudstack-runbook/installed'), 'utf8'),
    ).toBe('kvm1 iso\n');
    // Every mount made is unmounted again.
    const mounts = commands.filter((c) => c.startsWith('mount ')).length;
    expect(commands.filter((c) => c.startsWith('umount ')).length).toBe(mounts);
    expect(existsSync(path.join(target, 'etc/cloudstack-runbook/id_ed25519'))).toBe(false);
  });
});

describe('unpacking the prepared system', () => {
  it("turns Debian 12 unsquashfs's file lines into percent, and keeps the other lines for the log", () => {
    const percents: number[] = [];
    const consume = unsquashfsProgress('/target', (p) => percents.push(p));
    const output = [
      'Parallel unsquashfs: Using 2 processors',
      '4 inodes (3 blocks) to write',
      '/target',
      '/target/bin',
      '/target/etc',
      '/target/etc/hostname',
      'created 1 symlinks',
    ];
    expect(output.map(consume)).toEqual([false, false, true, true, true, true, false]);
    expect(percents).toEqual([25, 50, 75, 100]);
  });
});
