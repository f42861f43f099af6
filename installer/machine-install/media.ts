// Where the installer finds answers: a folder named on the kernel command line
// (runbook.answer=/path on the ISO), a USB stick labelled RUNBOOK (answer.yaml at its root), or
// the folder `runbook iso` bakes into the ISO. The stick wins over the ISO, so one ISO serves
// many machines; runbook.answer=none turns zero-touch off. The same places offer site files and
// public keys (*.pub at the stick's root) to the interactive installer.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Shell } from './engine.ts';
import { ANSWER_FILE, ANSWER_FOLDER_ON_ISO, ANSWER_LABEL, isPublicKeyLine } from './answer-file.ts';
import { LIVE_MEDIUM } from './live-paths.ts';
import { diskOf } from './probe.ts';

export const STICK_MOUNT = '/run/cloudstack-runbook/stick';

export interface AnswerPlace {
  dir: string;
  /** Said on the screen: "the USB stick /dev/sdb1". */
  where: string;
  /** The disk holding it (never erased). */
  disk?: string;
}

/** Mounts the RUNBOOK stick read-only, once; undefined when there is none. */
export async function mountAnswerStick(shell: Shell): Promise<AnswerPlace | undefined> {
  const device = (await shell.run('blkid', ['-L', ANSWER_LABEL]).catch(() => '')).trim();
  if (!device) return undefined;
  if (!existsSync(path.join(STICK_MOUNT, '.'))) mkdirSync(STICK_MOUNT, { recursive: true });
  const mounted = (
    await shell.run('findmnt', ['-n', '-o', 'SOURCE', STICK_MOUNT]).catch(() => '')
  ).trim();
  if (!mounted) await shell.run('mount', ['-o', 'ro', device, STICK_MOUNT]);
  return { dir: STICK_MOUNT, where: `the USB stick ${device}`, disk: await diskOf(device, shell) };
}

export function answerOnIso(medium = LIVE_MEDIUM): AnswerPlace | undefined {
  const dir = path.join(medium, ANSWER_FOLDER_ON_ISO);
  return existsSync(path.join(dir, ANSWER_FILE)) ? { dir, where: 'the ISO' } : undefined;
}

export function answerFromCmdline(
  value: string | undefined,
  medium = LIVE_MEDIUM,
): AnswerPlace | 'none' | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return 'none';
  const dir =
    value.startsWith(LIVE_MEDIUM) || value.startsWith('/run/') ? value : path.join(medium, value);
  return { dir, where: `runbook.answer=${value}` };
}

/** The answer to install from without asking, in order of precedence. */
export function chooseAnswer(
  cmdline: AnswerPlace | 'none' | undefined,
  stick: AnswerPlace | undefined,
  iso: AnswerPlace | undefined,
): AnswerPlace | undefined {
  if (cmdline === 'none') return undefined;
  if (cmdline) return cmdline;
  if (stick && existsSync(path.join(stick.dir, ANSWER_FILE))) return stick;
  return iso;
}

/** Site files the interactive installer offers: the answer folders' and the stick's. */
export function siteFilesIn(
  places: (AnswerPlace | undefined)[],
): { file: string; where: string }[] {
  return places.flatMap((p) =>
    p && existsSync(path.join(p.dir, 'site.yaml'))
      ? [{ file: path.join(p.dir, 'site.yaml'), where: p.where }]
      : [],
  );
}

/** Public key lines in *.pub files at the root of a folder (the stick). */
export function publicKeysIn(dir: string | undefined): { key: string; file: string }[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pub'))
    .flatMap((f) =>
      readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter((line) => isPublicKeyLine(line))
        .map((key) => ({ key: key.trim(), file: f })),
    );
}
