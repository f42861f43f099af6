// Boots an appliance image under qemu the way the lab does (KVM where it really works, TCG
// here), with no way out: user-mode networking with restrict=on, so the guest reaches only
// the ports forwarded to it (SSH from here) and, when asked, the lab's archive-only proxy
// (guestfwd). The guest reports on its serial line, which goes to a file the test reads.
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cpuModel } from '../../src/lab/accel.ts';
import type { Accel } from '../../src/lab/accel.ts';

export interface BootOptions {
  name: string;
  accel: Accel;
  /** The guest's disk; none boots from the CD-ROM (or the kernel) alone. */
  disk?: string;
  diskFormat?: 'qcow2' | 'raw';
  /** How the disk is attached: virtio (qemu/libvirt users) or SATA/AHCI (as VirtualBox does). */
  diskBus?: 'virtio' | 'sata';
  /** uefi-secure-boot: OVMF with Microsoft's keys enrolled and Secure Boot on, as PCs ship. */
  firmware?: 'bios' | 'uefi' | 'uefi-secure-boot';
  cdrom?: string;
  kernel?: { kernel: string; initrd: string; append: string };
  memoryMb?: number;
  cpus?: number;
  serialFile: string;
  /** Files handed to the guest through fw_cfg (name → host file). */
  fwCfg?: Record<string, string>;
  /** Guest address (inside 172.16.10.0/24) whose port 22 is forwarded to a loopback port. */
  guestAddress?: string;
  /** guestfwd: PROXY_ADDRESS:PORT inside the guest → 127.0.0.1:hostPort here (the archive proxy). */
  guestForwards?: { guestPort: number; hostPort: number }[];
  noReboot?: boolean;
}

export interface BootedVm {
  sshPort: number;
  /** The serial line's socket (one client at a time: type() or a terminal attached to it). */
  serialSocket: string;
  process: ResultPromise;
  serial(): string;
  waitForSerial(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Type on the serial line (a boot loader prompt listening there). */
  type(text: string): Promise<void>;
  exited(): boolean;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address !== 'string'
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Where guests find forwarded services (slirp refuses its own host address .1 for guestfwd). */
export const PROXY_ADDRESS = '172.16.10.250';
const TCP_PIPE = fileURLToPath(new URL('./tcp-pipe.ts', import.meta.url));
/** A kernel for the lab's KVM-or-TCG probe (detectAccel): debian-installer's, which the ISO build installs anyway. */
export const PROBE_KERNEL =
  '/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/linux';
export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
/** Debian's ovmf: the SMM-protected build, and variables with Microsoft's UEFI CA (shim's signer) enrolled. */
export const OVMF_SECURE_CODE = '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd';
export const OVMF_MS_VARS = '/usr/share/OVMF/OVMF_VARS_4M.ms.fd';

export async function bootVm(options: BootOptions): Promise<BootedVm> {
  const sshPort = await freePort();
  const serialSocket = `${options.serialFile}.sock`;
  const guest = options.guestAddress ?? '172.16.10.2';
  // One pipe process per guest connection (a tcp: chardev would serve a single connection only).
  const forwards = (options.guestForwards ?? [])
    .map(
      (f) =>
        `,guestfwd=tcp:${PROXY_ADDRESS}:${f.guestPort}-cmd:${process.execPath} ${TCP_PIPE} ${f.hostPort}`,
    )
    .join('');
  const args = [
    '-name',
    `appliance-test-${options.name}`,
    '-machine',
    // Secure Boot needs SMM, so the firmware's key store cannot be written by the guest.
    `q35,accel=${options.accel}${options.firmware === 'uefi-secure-boot' ? ',smm=on' : ''}`,
    '-cpu',
    cpuModel(options.accel),
    '-smp',
    String(options.cpus ?? 2),
    '-m',
    String(options.memoryMb ?? 2048),
    // The serial line is a socket (the test can type on it) that also logs to serialFile.
    '-nodefaults',
    '-display',
    'none',
    '-monitor',
    'none',
    '-chardev',
    `socket,id=ser0,path=${serialSocket},server=on,wait=off,logfile=${options.serialFile}`,
    '-serial',
    'chardev:ser0',
    '-netdev',
    `user,id=net0,restrict=on,net=172.16.10.0/24,host=172.16.10.1,dhcpstart=172.16.10.200,hostfwd=tcp:127.0.0.1:${sshPort}-${guest}:22${forwards}`,
    '-device',
    'virtio-net-pci,netdev=net0,mac=52:54:00:10:0a:02',
    '-device',
    'virtio-rng-pci',
  ];
  if (options.noReboot) args.push('-no-reboot');
  const format = options.diskFormat ?? 'qcow2';
  if (!options.disk) {
    // no disk
  } else if ((options.diskBus ?? 'virtio') === 'virtio') {
    args.push('-drive', `file=${options.disk},if=virtio,format=${format},cache=unsafe`);
  } else {
    args.push(
      '-drive',
      `file=${options.disk},if=none,id=disk0,format=${format},cache=unsafe`,
      '-device',
      'ide-hd,drive=disk0,bus=ide.0',
    );
  }
  if (options.cdrom)
    args.push(
      '-drive',
      `file=${options.cdrom},media=cdrom,readonly=on,if=none,id=cd0`,
      '-device',
      'ide-cd,drive=cd0,bus=ide.1',
    );
  if (options.firmware === 'uefi' || options.firmware === 'uefi-secure-boot') {
    const secure = options.firmware === 'uefi-secure-boot';
    const code = secure ? OVMF_SECURE_CODE : OVMF_CODE;
    for (const file of secure ? [code, OVMF_MS_VARS] : [code])
      if (!existsSync(file)) throw new Error(`UEFI firmware ${file} is missing: apt-get install ovmf`);
    if (secure) args.push('-global', 'driver=cfi.pflash01,property=secure,value=on');
    args.push('-drive', `if=pflash,format=raw,readonly=on,file=${code}`);
    if (secure) {
      // The machine's own copy of the variables: the keys, and the boot entries it writes.
      const vars = `${options.serialFile}.vars.fd`;
      copyFileSync(OVMF_MS_VARS, vars);
      args.push('-drive', `if=pflash,format=raw,file=${vars}`);
    }
  }
  if (options.kernel)
    args.push(
      '-kernel',
      options.kernel.kernel,
      '-initrd',
      options.kernel.initrd,
      '-append',
      options.kernel.append,
    );
  for (const [name, file] of Object.entries(options.fwCfg ?? {}))
    args.push('-fw_cfg', `name=${name},file=${file}`);

  const child = execa('qemu-system-x86_64', args, {
    reject: false,
    stdin: 'ignore',
    all: true,
    buffer: { all: true },
  });
  let done = false;
  void child.then(() => (done = true));
  const serial = () =>
    existsSync(options.serialFile) ? readFileSync(options.serialFile, 'utf8') : '';
  let typing: net.Socket | undefined;
  return {
    sshPort,
    serialSocket,
    process: child,
    serial,
    exited: () => done,
    async waitForSerial(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = serial().match(pattern);
        if (match) return match;
        if (done) {
          const result = await child;
          throw new Error(
            `qemu (${options.name}) exited (${result.exitCode}) before ${pattern}: ${String(result.all).slice(-1000)}\nlast serial lines:\n${serial().split('\n').slice(-25).join('\n')}`,
          );
        }
        await sleep(1000);
      }
      throw new Error(
        `${options.name}: no ${pattern} on the serial line within ${Math.round(timeoutMs / 1000)} s; last lines:\n${serial().split('\n').slice(-25).join('\n')}`,
      );
    },
    async type(text) {
      if (!typing) {
        typing = net.connect(serialSocket);
        await new Promise<void>((resolve, reject) =>
          typing!.once('connect', resolve).once('error', reject),
        );
        typing.on('data', () => {}); // qemu also logs what it sends; the log file is what we read
      }
      // One character at a time: boot loaders poll the UART and drop what arrives too fast.
      for (const char of text) {
        typing.write(char);
        await sleep(30);
      }
    },
    async stop() {
      typing?.destroy();
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await child;
      clearTimeout(timer);
    },
  };
}

export interface SshResult {
  code: number;
  out: string;
  err: string;
}

/** Run a command in the guest as root with `key`; the host key is learnt on first contact into knownHosts. */
export async function guestSsh(
  port: number,
  key: string,
  knownHosts: string,
  command: string,
  timeoutMs = 120_000,
): Promise<SshResult> {
  const result = await execa(
    'ssh',
    [
      '-p',
      String(port),
      '-i',
      key,
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'ConnectTimeout=15',
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'LogLevel=ERROR',
      'root@127.0.0.1',
      command,
    ],
    { reject: false, timeout: timeoutMs, stdin: 'ignore' },
  );
  return {
    code: result.exitCode ?? -1,
    out: String(result.stdout).trim(),
    err: String(result.stderr).trim(),
  };
}

export async function waitForGuestSsh(
  port: number,
  key: string,
  knownHosts: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: SshResult | undefined;
  while (Date.now() < deadline) {
    last = await guestSsh(port, key, knownHosts, 'true', 30_000);
    if (last.code === 0) return;
    await sleep(2000);
  }
  throw new Error(
    `SSH with the test key did not work on 127.0.0.1:${port}: ${last?.err ?? 'timed out'}`,
  );
}
