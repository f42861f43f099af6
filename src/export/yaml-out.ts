// YAML for Ansible, with runbook text marked `!unsafe`: Ansible templates every string it
// reads, so a script holding `{{` would otherwise be changed before it runs.
import { Document, isScalar, visit } from 'yaml';

const SENTINEL = '\u0000unsafe\u0000';

/** A string Ansible must take as written (scripts, file contents, site values). */
export function unsafe(text: string): string {
  return `${SENTINEL}${text}`;
}

/** Jinja text that yields `text` as written (for mixing literal text with variables). */
export function jinjaLiteral(text: string): string {
  if (!/[{}%#]/.test(text)) return text;
  return `{% raw %}${text.replaceAll('{%', "{% endraw %}{{ '{%' }}{% raw %}")}{% endraw %}`;
}

const NOQA = '\u0000noqa\u0000';

/** A value with an ansible-lint `# noqa: RULE` comment on its line (say why where it is used). */
export function noqa(text: string, rule: string): string {
  return `${NOQA}${rule}${NOQA}${text}`;
}

/**
 * A task name that tells ansible-lint to leave the task's template syntax alone when its
 * `!unsafe` text merely looks like Jinja (ansible-lint reads it as a template; Ansible never does).
 */
export function taskName(name: string, ...texts: string[]): string {
  return texts.some((t) => /\{[{%#]/.test(t)) ? noqa(name, 'jinja[invalid]') : name;
}

/** The key that toYaml turns into a comment before the mapping holding it. */
export const COMMENT_KEY = '__comment';

export function toYaml(value: unknown, comment?: string): string {
  const doc = new Document(value);
  visit(doc, {
    Map(_, node) {
      // `__comment` in a mapping becomes a comment line before it (the cmk line of an api task).
      const at = node.items.findIndex((p) => isScalar(p.key) && p.key.value === COMMENT_KEY);
      if (at >= 0) {
        const value = node.items[at]!.value;
        node.commentBefore = isScalar(value) ? String(value.value) : undefined;
        node.items.splice(at, 1);
      }
    },
    Scalar(_, node) {
      if (typeof node.value === 'string' && node.value.startsWith(NOQA)) {
        const [, rule, rest] = node.value.split(NOQA);
        node.value = rest!;
        node.comment = ` noqa: ${rule}`;
      }
      if (typeof node.value === 'string' && node.value.startsWith(SENTINEL)) {
        node.value = node.value.slice(SENTINEL.length);
        node.tag = '!unsafe';
      }
    },
    Pair(_, pair) {
      // Keys never carry the sentinel; values that are plain scalars keep their style.
      if (isScalar(pair.key) && typeof pair.key.value === 'string')
        pair.key.value = pair.key.value.replace(SENTINEL, '');
      // Every play runs with the linear strategy, where run_once means what it says.
      if (isScalar(pair.key) && pair.key.value === 'run_once' && isScalar(pair.value))
        pair.value.comment = ' noqa: run-once[task]';
    },
  });
  if (comment) doc.commentBefore = comment;
  return `---\n${doc.toString({ lineWidth: 0, indentSeq: true })}`;
}
