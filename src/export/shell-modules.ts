// Script lines of the runbook that an Ansible module does exactly: a package install
// (ansible.builtin.apt), a service (ansible.builtin.systemd), a folder (ansible.builtin.file).
// A script becomes modules only line by line and only where that changes nothing: every line
// is either one of these, or a simple command that leaves no shell state behind (no variable,
// function, trap, `cd` or control structure that a later line could rely on). Such commands
// stay `bash` tasks, one per run of lines, in the same order; anything else keeps the whole
// script as one task, as the runbook wrote it.

export type ScriptPart =
  | { kind: 'script'; script: string }
  | { kind: 'module'; module: string; args: Record<string, unknown>; line: string };

/** One shell word: plain characters, `${NAME}` references, or a double-quoted run of both. */
const WORD =
  /^(?:"(?:[A-Za-z0-9_@%+=:,./-]|\$\{[A-Z][A-Z0-9_]*\})*"|(?:[A-Za-z0-9_@%+=:,./-]|\$\{[A-Z][A-Z0-9_]*\})+)$/;

/** The words of a line made only of simple words, unquoted; undefined for anything else. */
function simpleWords(line: string): string[] | undefined {
  const words = line.trim().split(/\s+/);
  if (!words.every((w) => WORD.test(w))) return undefined;
  return words.map((w) => (w.startsWith('"') ? w.slice(1, -1) : w));
}

const PACKAGE = /^[a-z0-9][a-z0-9+.-]*$/;
const UNIT = /^[A-Za-z0-9@_.:-]+$/;
const MODE = /^0?[0-7]{3,4}$/;

/** The module that does `line` exactly, if there is one. */
export function moduleFor(
  line: string,
): { module: string; args: Record<string, unknown> } | undefined {
  const words = simpleWords(line);
  if (!words) return undefined;
  const w = words[0] === 'DEBIAN_FRONTEND=noninteractive' ? words.slice(1) : words;
  const [cmd, ...rest] = w;
  if (cmd === 'apt-get' && rest[0] === 'install' && rest[1] === '-y') {
    let names = rest.slice(2);
    const noRecommends = names[0] === '--no-install-recommends';
    if (noRecommends) names = names.slice(1);
    // `present`: a package already installed is left as it is. apt-get install -y would also
    // upgrade it; the runbook's steps that install packages skip once they are installed.
    if (names.length && names.every((n) => PACKAGE.test(n)))
      return {
        module: 'ansible.builtin.apt',
        args: {
          name: names,
          state: 'present',
          ...(noRecommends ? { install_recommends: false } : {}),
        },
      };
    return undefined;
  }
  if (words !== w) return undefined;
  if (cmd === 'systemctl') {
    if (rest.length === 1 && rest[0] === 'daemon-reload')
      return { module: 'ansible.builtin.systemd', args: { daemon_reload: true } };
    const [verb, ...units] = rest;
    const unit = units.length === 1 && UNIT.test(units[0]!) ? units[0]! : undefined;
    if (verb === 'enable' && units.length === 2 && units[0] === '--now' && UNIT.test(units[1]!))
      return {
        module: 'ansible.builtin.systemd',
        args: { name: units[1], enabled: true, state: 'started' },
      };
    const states: Record<string, unknown> = {
      enable: { enabled: true },
      start: { state: 'started' },
      restart: { state: 'restarted' },
      stop: { state: 'stopped' },
      reload: { state: 'reloaded' },
    };
    if (unit && verb && states[verb])
      return {
        module: 'ansible.builtin.systemd',
        args: { name: unit, ...(states[verb] as object) },
      };
    return undefined;
  }
  if (
    cmd === 'install' &&
    rest[0] === '-d' &&
    rest[1] === '-m' &&
    MODE.test(rest[2] ?? '') &&
    rest.length > 3
  ) {
    const dirs = rest.slice(3);
    if (dirs.some((d) => d.startsWith('-'))) return undefined;
    return {
      module: 'ansible.builtin.file',
      args: { path: dirs, state: 'directory', mode: rest[2]!.padStart(4, '0') },
    };
  }
  return undefined;
}

const STATEFUL = new Set([
  'cd',
  'export',
  'set',
  'trap',
  'source',
  '.',
  'local',
  'declare',
  'typeset',
  'eval',
  'exec',
  'shift',
  'unset',
  'read',
  'alias',
  'ulimit',
  'umask',
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  'function',
  'select',
  '{',
  '}',
  'return',
  'exit',
  'break',
  'continue',
  'wait',
]);

/** A line that runs one command and leaves no shell state for later lines. */
function stateless(line: string): boolean {
  const t = line.trim();
  if (/<<|\\$|\$\?|\(\)|^\w+=\S*$|^\w+=\$\(|[;&]\s*$/.test(t)) return false;
  const first = t.replace(/^(\w+=\S+\s+)+/, '').split(/\s+/)[0] ?? '';
  return /^[a-z][a-z0-9._-]*$/.test(first) && !STATEFUL.has(first);
}

/** The script as modules and the bash runs between them, or the whole script when it cannot be split. */
export function splitScript(script: string): ScriptPart[] {
  const lines = script.split('\n');
  const parts: ScriptPart[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.some((l) => l.trim() && !l.trim().startsWith('#')))
      parts.push({ kind: 'script', script: `${run.join('\n').trim()}\n` });
    run = [];
  };
  for (const line of lines) {
    const module = line.trim().startsWith('#') ? undefined : moduleFor(line);
    if (module) {
      flush();
      parts.push({ kind: 'module', ...module, line: line.trim() });
    } else if (!line.trim() || line.trim().startsWith('#') || stateless(line)) {
      run.push(line);
    } else {
      return [{ kind: 'script', script }];
    }
  }
  flush();
  return parts.some((p) => p.kind === 'module') ? parts : [{ kind: 'script', script }];
}
