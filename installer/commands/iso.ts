// `runbook iso --site F [--out FILE] [--machine NAME] [--disk D] [--interface I] [--iso BASE] [--usb DIR]`:
// the installer ISO with this site's answer folder baked in (zero-touch installs), made from a
// built ISO by adding files with xorriso (seconds, not a rebuild); or, with --usb, the answer
// folder written to DIR for a USB stick labelled RUNBOOK.
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, formatProblem } from '../../src/diagnostics.ts';
import { loadSite } from '../../src/site-file/load.ts';
import { ANSWER_FOLDER_ON_ISO, ANSWER_LABEL } from '../machine-install/answer-file.ts';
import { writeAnswerFolder } from '../machine-install/answer-bundle.ts';
import { answerMenu, grubCfg } from '../machine-install/boot-menu.ts';

export const BUILT_ISO = new URL(
  '../../appliance/out/cloudstack-runbook-installer.iso',
  import.meta.url,
).pathname;

export interface IsoOptions {
  site: string;
  out?: string;
  machine?: string;
  disk?: string;
  interface?: string;
  iso?: string;
  usb?: string;
}

export async function run(options: IsoOptions): Promise<number> {
  const loaded = loadSite(options.site);
  for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  const answerOptions = {
    loaded,
    ...(options.machine ? { machine: options.machine } : {}),
    ...(options.disk ? { disk: options.disk } : {}),
    ...(options.interface ? { interface: options.interface } : {}),
  };
  if (options.usb) {
    const { machine } = await writeAnswerFolder({
      ...answerOptions,
      out: path.resolve(options.usb),
    });
    process.stdout.write(
      `ok: answer folder for ${machine ? machine.hostname : 'the machine chosen at boot (runbook.machine=)'} in ${options.usb}\n` +
        `Copy its contents to the root of a FAT stick labelled ${ANSWER_LABEL} (mkfs.vfat -n ${ANSWER_LABEL}); it holds SSH keys: keep it private.\n`,
    );
    return 0;
  }
  const base = path.resolve(options.iso ?? BUILT_ISO);
  if (!existsSync(base))
    throw new InputError([
      {
        file: base,
        line: 0,
        field: '--iso',
        message: 'the installer ISO to start from does not exist',
        fix: 'build it with `sudo npm run appliance:iso`, or name a downloaded one with --iso',
      },
    ]);
  if ((await execa('sh', ['-c', 'command -v xorriso'], { reject: false })).exitCode !== 0)
    throw new Error(
      'xorriso is missing; install it with `apt-get install xorriso` (Debian) and run again',
    );
  const out = path.resolve(
    options.out ??
      path.join(path.dirname(path.resolve(options.site)), `${loaded.site.name}-installer.iso`),
  );
  if (out === base)
    throw new InputError([
      {
        file: out,
        line: 0,
        field: '--out',
        message: 'is the ISO it starts from',
        fix: 'name another file with --out',
      },
    ]);

  const work = mkdtempSync(path.join(tmpdir(), 'runbook-iso-'));
  try {
    const folder = path.join(work, 'answer');
    const { machines, machine } = await writeAnswerFolder({ ...answerOptions, out: folder });
    const grub = path.join(work, 'grub.cfg');
    writeFileSync(grub, grubCfg(answerMenu(machines, machine?.hostname)));
    rmSync(out, { force: true });
    const result = await execa(
      'xorriso',
      [
        '-indev',
        base,
        '-outdev',
        out,
        '-boot_image',
        'any',
        'replay',
        '-map',
        folder,
        `/${ANSWER_FOLDER_ON_ISO}`,
        '-map',
        grub,
        '/boot/grub/grub.cfg',
        '-end',
      ],
      { reject: false, all: true },
    );
    if (result.exitCode !== 0)
      throw new Error(
        `xorriso could not write ${out}:\n${String(result.all).split('\n').slice(-8).join('\n')}`,
      );
    const megabytes = Math.round(statSync(out).size / 2 ** 20);
    process.stdout.write(
      `ok: ${out} (${megabytes} MiB): ${machine ? `installs ${machine.hostname} without a keystroke` : `installs the machine picked in its boot menu (${machines.map((m) => m.hostname).join(', ')})`}\n` +
        "It holds the machines' SSH host keys and the management server's key: keep it private.\n",
    );
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
