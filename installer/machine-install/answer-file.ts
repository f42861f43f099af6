// The answer file: what the machine installer would ask, answered, for installs without a
// keystroke. It sits in a folder (on the ISO, on a USB stick, or named on the kernel command
// line) with the site file and, when `runbook iso` made it, the machines' SSH host keys and the
// management server's key to the KVM hosts:
//
//   answer.yaml                     this file
//   site.yaml                       the site file (checked exactly as `runbook check` does)
//   known_hosts                     every machine's host key, for the installer's state
//   host-keys/<hostname>/ssh_host_ed25519_key[.pub]
//   management-key/id_ed25519[.pub] the management server's key, trusted by every machine
//
// Every problem is reported at once, in `runbook check`'s shape (file, line, field, fix),
// before any disk is touched.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { InputError, type Problem } from '../../src/diagnostics.ts';
import { loadSite, type LoadedSite } from '../../src/site-file/load.ts';
import { fieldName, positionOf } from '../../src/site-file/positions.ts';
import { siteMachines, type SiteMachine } from './machines.ts';

export const ANSWER_FILE = 'answer.yaml';
export const ANSWER_FOLDER_ON_ISO = 'cloudstack-runbook/answer';
/** The file-system label of a USB stick carrying an answer folder (FAT labels are upper case). */
export const ANSWER_LABEL = 'RUNBOOK';
export const LANGUAGES = ['en', 'ja', 'zh-CN'] as const;

const SSH_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/;

export function isPublicKeyLine(line: string): boolean {
  return SSH_KEY.test(line.trim());
}

export const answerSchema = z.strictObject({
  site: z.string().min(1).default('site.yaml'),
  machine: z.string().min(1).optional(),
  disk: z.string().min(1).default('auto'),
  interface: z.string().min(1).default('auto'),
  language: z.enum(LANGUAGES).default('en'),
  authorizedKeys: z
    .array(z.string().regex(SSH_KEY, 'must be one OpenSSH public key line'))
    .default([]),
});
export type Answer = z.output<typeof answerSchema>;

export interface LoadedAnswer {
  dir: string;
  file: string;
  answer: Answer;
  site: LoadedSite;
  /** The machine to install: named in the answer file or on the kernel command line. */
  machine?: SiteMachine;
  /** Public key lines root accepts: the answer's, then the management server's key. */
  authorizedKeys: string[];
  hostKey?: { privateKey: string; publicKey: string };
  managementKey?: { privateKey: string; publicKey: string };
  knownHosts?: string;
}

const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

export function keyPair(
  dir: string,
  name: string,
): { privateKey: string; publicKey: string } | undefined {
  const privateKey = read(path.join(dir, name));
  const publicKey = read(path.join(dir, `${name}.pub`));
  return privateKey && publicKey ? { privateKey, publicKey: publicKey.trim() } : undefined;
}

/**
 * Reads answer.yaml in `dir` and the site file it names; `machineOverride` (the kernel command
 * line's runbook.machine=) wins over the file's `machine`. Throws InputError with every problem.
 */
export function loadAnswer(dir: string, machineOverride?: string): LoadedAnswer {
  const file = path.join(dir, ANSWER_FILE);
  const text = read(file);
  if (text === undefined)
    throw new InputError([
      {
        file,
        line: 0,
        message: 'the answer file does not exist',
        fix: `put ${ANSWER_FILE} in ${dir}, or make one with \`runbook iso --site site.yaml\``,
      },
    ]);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return {
          file,
          line,
          column: col,
          message: `YAML syntax: ${e.message.split('\n')[0]}`,
          fix: 'correct the YAML at this line (indentation, quotes, colons)',
        };
      }),
    );
  }
  const parsed = answerSchema.safeParse(doc.toJS() ?? {});
  const at = (p: (string | number)[], atKey = false) => positionOf(doc, lines, p, atKey);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.flatMap((issue): Problem[] => {
        const p = issue.path.filter((x): x is string | number => typeof x !== 'symbol');
        if (issue.code === 'unrecognized_keys')
          return issue.keys.map((key) => ({
            file,
            ...at([...p, key], true),
            field: fieldName([...p, key]),
            message: `unknown key "${key}"`,
            fix: `remove it; the keys allowed here are ${Object.keys(answerSchema.shape).join(', ')}`,
          }));
        const fix =
          p[0] === 'language'
            ? `write one of ${LANGUAGES.join(', ')}`
            : p[0] === 'authorizedKeys'
              ? 'paste the whole line of a .pub file: ssh-ed25519 AAAA... comment'
              : 'write it as text';
        return [
          {
            file,
            ...at(p),
            field: fieldName(p),
            message:
              issue.code === 'invalid_type'
                ? `must be ${issue.expected === 'array' ? 'a list' : 'text'}`
                : issue.message,
            fix,
          },
        ];
      }),
    );
  }
  const answer = parsed.data;
  const problems: Problem[] = [];
  let site: LoadedSite | undefined;
  try {
    site = loadSite(path.resolve(dir, answer.site));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  let machine: SiteMachine | undefined;
  const wanted = machineOverride ?? answer.machine;
  if (site) {
    const machines = siteMachines(site.site);
    if (wanted) {
      machine = machines.find((m) => m.hostname === wanted);
      if (!machine)
        problems.push({
          file,
          ...(machineOverride ? { line: 0 } : at(['machine'])),
          field: 'machine',
          message: `"${wanted}" is not a machine of ${answer.site}${machineOverride ? ' (runbook.machine= on the kernel command line)' : ''}; it has ${machines.map((m) => m.hostname).join(', ')}`,
          fix: 'write the host name of the management server or of one of the KVM hosts',
        });
    } else if (machines.length === 1) {
      machine = machines[0];
    }
    if (site.site.ssh.user !== 'root')
      problems.push({
        file: site.file,
        line: 0,
        field: 'ssh.user',
        message: `is "${site.site.ssh.user}", but machines installed from the ISO have only root, logging in with a key`,
        fix: 'set ssh.user: root',
      });
  }
  const managementKey = keyPair(path.join(dir, 'management-key'), 'id_ed25519');
  const authorizedKeys = [
    ...answer.authorizedKeys,
    ...(managementKey ? [managementKey.publicKey] : []),
  ];
  if (answer.authorizedKeys.length === 0)
    problems.push({
      file,
      ...at(['authorizedKeys']),
      field: 'authorizedKeys',
      message: 'names no SSH key: nobody could log in to the installed machine',
      fix: 'add your public key (the line of ~/.ssh/id_ed25519.pub); `runbook iso` adds the one next to ssh.identity',
    });
  if (problems.length > 0 || !site) throw new InputError(problems);
  return {
    dir,
    file,
    answer,
    site,
    ...(machine ? { machine } : {}),
    authorizedKeys,
    ...optional('managementKey', managementKey),
    ...optional('knownHosts', read(path.join(dir, 'known_hosts'))),
    ...(machine ? folderKeys(dir, machine.hostname) : {}),
  };
}

/**
 * What an answer folder holds besides the answers, for a machine: its host key, the management
 * server's key and every machine's host key (the interactive installer uses them too when it
 * takes the site file from such a folder).
 */
export function folderKeys(
  dir: string,
  hostname: string,
): Pick<LoadedAnswer, 'hostKey' | 'managementKey' | 'knownHosts'> {
  return {
    ...optional('hostKey', keyPair(path.join(dir, 'host-keys', hostname), 'ssh_host_ed25519_key')),
    ...optional('managementKey', keyPair(path.join(dir, 'management-key'), 'id_ed25519')),
    ...optional('knownHosts', read(path.join(dir, 'known_hosts'))),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
