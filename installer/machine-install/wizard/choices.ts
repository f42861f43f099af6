// What the interactive machine installer offers on each screen, worked out from the places it
// looked (the ISO's answer folder, a RUNBOOK stick) and the machine's facts. Pure functions
// over files and text, so the screens stay thin and the rules are tested without a terminal.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { InputError, type Problem } from '../../../src/diagnostics.ts';
import { t } from '../../../src/i18n/translate.ts';
import { parseSiteText, type LoadedSite } from '../../../src/site-file/load.ts';
import { siteTemplate } from '../../../src/site-file/template.ts';
import { ANSWER_FILE, answerSchema, folderKeys, isPublicKeyLine } from '../answer-file.ts';
import type { LoadedAnswer } from '../answer-file.ts';
import { siteMachines, type SiteMachine } from '../machines.ts';
import { publicKeysIn, type AnswerPlace } from '../media.ts';

/** A site file the installer can start from, with what came beside it. */
export interface SiteSource {
  id: string;
  /** Said on the screen: "the ISO", "the USB stick /dev/sdb1", "the runbook's defaults". */
  where: string;
  /** Where the file is read from (a name only for the defaults, which are not on disk). */
  file: string;
  text: string;
  /** The answer folder holding it, for host keys and the answer file's SSH keys. */
  dir?: string;
  loaded?: LoadedSite;
  problems: Problem[];
}

function readSource(
  id: string,
  where: string,
  file: string,
  text: string,
  dir?: string,
): SiteSource {
  try {
    const loaded = parseSiteText(text, file);
    return { id, where, file, text, loaded, problems: [], ...(dir ? { dir } : {}) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { id, where, file, text, problems: error.problems, ...(dir ? { dir } : {}) };
  }
}

/**
 * The site files found in the answer folders and on the stick, then the runbook's defaults
 * (a management server with one KVM host, and all-in-one), which need no file at all.
 */
export function siteSources(places: (AnswerPlace | undefined)[]): SiteSource[] {
  const found: SiteSource[] = [];
  const seen = new Set<string>();
  for (const place of places) {
    if (!place) continue;
    const file = path.join(place.dir, 'site.yaml');
    if (!existsSync(file) || seen.has(file)) continue;
    seen.add(file);
    found.push(
      readSource(`found-${found.length}`, place.where, file, readFileSync(file, 'utf8'), place.dir),
    );
  }
  const defaults = (allInOne: boolean) =>
    readSource(
      allInOne ? 'defaults-aio' : 'defaults',
      allInOne ? t("the runbook's defaults, all-in-one") : t("the runbook's defaults"),
      '/etc/cloudstack-runbook/site.yaml',
      siteTemplate({ allInOne }).replace(/^( {2}identity: .*)$/m, '#$1'),
    );
  return [...found, defaults(false), defaults(true)];
}

export interface MachineOption {
  value: string;
  source: SiteSource;
  machine: SiteMachine;
}

/** Every machine of every readable site, as "which machine is this?" offers them. */
export function machineOptions(sources: SiteSource[]): MachineOption[] {
  return sources.flatMap((source) =>
    source.loaded
      ? siteMachines(source.loaded.site).map((machine) => ({
          value: `${source.id}/${machine.hostname}`,
          source,
          machine,
        }))
      : [],
  );
}

export function roleName(role: SiteMachine['role']): string {
  return role === 'kvm'
    ? t('KVM host')
    : role === 'all-in-one'
      ? t('all-in-one (management server and KVM host)')
      : t('management server');
}

/**
 * The site text with this machine's address changed, and the problems `runbook check` finds in
 * it (only those: a bad address is named the way the site screen of the wizard names it).
 */
export function withAddress(
  source: SiteSource,
  machine: SiteMachine,
  address: string,
): { text: string; loaded?: LoadedSite; problems: Problem[] } {
  const doc = parseDocument(source.text);
  const at = machine.role === 'kvm' ? hostPath(source, machine) : ['management', 'address'];
  doc.setIn(at, address.trim());
  const text = doc.toString();
  try {
    return { text, loaded: parseSiteText(text, source.file), problems: [] };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { text, problems: error.problems };
  }
}

function hostPath(source: SiteSource, machine: SiteMachine): (string | number)[] {
  const index = source.loaded!.site.hosts.findIndex((h) => h.hostname === machine.hostname);
  return ['hosts', index, 'address'];
}

export interface KeyOption {
  key: string;
  /** "answer.yaml on the ISO", "me.pub on the USB stick /dev/sdb1". */
  from: string;
}

/** Public keys the installer can offer: the answer file's beside the site, then the stick's *.pub. */
export function keyOptions(
  source: SiteSource | undefined,
  stick: AnswerPlace | undefined,
): KeyOption[] {
  const out: KeyOption[] = [];
  const answerFile = source?.dir ? path.join(source.dir, ANSWER_FILE) : undefined;
  if (answerFile && existsSync(answerFile)) {
    const parsed = answerSchema.safeParse(
      parseDocument(readFileSync(answerFile, 'utf8')).toJS() ?? {},
    );
    for (const key of parsed.success ? parsed.data.authorizedKeys : [])
      out.push({
        key: key.trim(),
        from: t('{file} in {where}', { file: ANSWER_FILE, where: source!.where }),
      });
  }
  for (const { key, file } of publicKeysIn(stick?.dir))
    out.push({ key, from: t('{file} in {where}', { file, where: stick!.where }) });
  const seen = new Set<string>();
  return out.filter((o) => !seen.has(o.key) && seen.add(o.key));
}

/** The key's SHA256 fingerprint as `ssh-keygen -l` prints it, and its comment. */
export function describeKey(line: string): string {
  const [type = '', blob = '', ...comment] = line.trim().split(/\s+/);
  const digest = createHash('sha256')
    .update(Buffer.from(blob, 'base64'))
    .digest('base64')
    .replace(/=+$/, '');
  return `${type} SHA256:${digest}${comment.length > 0 ? ` ${comment.join(' ')}` : ''}`;
}

export function pastedKeyProblem(line: string): string | undefined {
  if (line.trim() === '') return t('Paste one line, as in ~/.ssh/id_ed25519.pub on your computer.');
  if (/PRIVATE KEY/.test(line))
    return t('That is a private key: paste the public one (the .pub file).');
  return isPublicKeyLine(line)
    ? undefined
    : t('That is not an OpenSSH public key line (ssh-ed25519 AAAA... comment).');
}

/** What an answer folder adds for this machine (host keys, the management key, known_hosts). */
export function sourceKeys(
  source: SiteSource,
  machine: SiteMachine,
): Pick<LoadedAnswer, 'hostKey' | 'managementKey' | 'knownHosts'> {
  return source.dir ? folderKeys(source.dir, machine.hostname) : {};
}
