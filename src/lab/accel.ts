// Which qemu accelerator actually runs guests here. /dev/kvm existing is not enough: nested
// KVM can be present and still hang or abort a real kernel (it does on this project's build
// machine, while a bare boot sector runs fine). So the probe boots the lab's own kernel, with
// no root disk, under KVM with a deadline: reaching its "Kernel panic" (no root) proves the
// kernel ran through CPU, timer and interrupt setup; anything else means TCG.
import { execa } from 'execa';
import { existsSync } from 'node:fs';

export type Accel = 'kvm' | 'tcg';

/** The CPU model the lab gives its VMs under each accelerator. */
export function cpuModel(accel: Accel): string {
  return accel === 'kvm' ? 'host' : 'max';
}

/** Boot `kernel` without a root disk under `accel`; true when it reached its panic in time. */
export async function kernelRuns(
  accel: Accel,
  kernel: string,
  timeoutMs = 20_000,
): Promise<boolean> {
  const result = await execa(
    'qemu-system-x86_64',
    [
      '-accel',
      accel,
      '-machine',
      'q35',
      '-cpu',
      cpuModel(accel),
      '-m',
      '256',
      '-nodefaults',
      '-display',
      'none',
      '-serial',
      'stdio',
      '-monitor',
      'none',
      '-no-reboot',
      '-kernel',
      kernel,
      '-append',
      'console=ttyS0 panic=-1 loglevel=4',
    ],
    { timeout: timeoutMs, reject: false, stdin: 'ignore', forceKillAfterDelay: 2000 },
  );
  return String(result.stdout).includes('Kernel panic');
}

/** KVM when /dev/kvm exists and really runs the lab's kernel, TCG otherwise. RUNBOOK_LAB_ACCEL forces one. */
export async function detectAccel(
  kernel: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Accel> {
  const forced = env.RUNBOOK_LAB_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return forced;
  if (forced)
    throw new Error(
      `RUNBOOK_LAB_ACCEL=${forced} is not an accelerator the lab knows; use kvm or tcg, or unset it`,
    );
  if (!existsSync('/dev/kvm')) return 'tcg';
  return (await kernelRuns('kvm', kernel)) ? 'kvm' : 'tcg';
}
