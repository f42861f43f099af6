// Names typed with a letter from another script that looks Latin (`kvм1` with a Cyrillic м):
// the operator sees "kvm1" in the message and cannot tell what is wrong. Say which character it
// is, and what the name reads as in Latin letters (Unicode's confusables, `confusables`).
// Invisible and control characters (a pasted zero-width space, an escape sequence) are named
// apart: they look like nothing at all, and have no Latin twin to suggest.
import { remove } from 'confusables';
import { t } from '../i18n/translate.ts';
import { printableInline, unsafeCharacters } from '../printable.ts';

const SCRIPTS = ['Cyrillic', 'Greek', 'Armenian', 'Cherokee', 'Coptic'] as const;

/** A script's name in the operator's language. */
function scriptName(script: (typeof SCRIPTS)[number]): string {
  const names: Record<(typeof SCRIPTS)[number], string> = {
    Cyrillic: t('Cyrillic'),
    Greek: t('Greek'),
    Armenian: t('Armenian'),
    Cherokee: t('Cherokee'),
    Coptic: t('Coptic'),
  };
  return names[script];
}

function scriptOf(char: string): string | undefined {
  const script = SCRIPTS.find((s) => new RegExp(`\\p{Script=${s}}`, 'u').test(char));
  return script && scriptName(script);
}

/** `Cyrillic "м" (U+043C)`: a character named so that it can be found and retyped. */
export function describeCharacter(char: string): string {
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const script = scriptOf(char);
  if (script) return t('{script} "{char}" ({code})', { script, char, code });
  if (/[\uff01-\uff5e]/.test(char)) return t('full-width "{char}" ({code})', { char, code });
  return t('"{char}" ({code})', { char, code });
}

export type Lookalike =
  | {
      kind: 'invisible';
      /** The invisible or control characters, as they are shown escaped (`\\e`, `\\u200b`). */
      characters: string[];
    }
  | {
      kind: 'foreign';
      /** The characters that are not ASCII, described. */
      characters: string[];
      /** The value in Latin letters, when every foreign character has a Latin look-alike. */
      latin?: string;
    };

/** What in `value` is not plain printable ASCII, or undefined when nothing is. */
export function lookalikes(value: string, lowercase = false): Lookalike | undefined {
  const invisible = unsafeCharacters(value);
  if (invisible.length > 0) return { kind: 'invisible', characters: invisible.map(printableInline) };
  const foreign = [...new Set([...value].filter((c) => c.codePointAt(0)! > 0x7e))];
  if (foreign.length === 0) return undefined;
  let latin = remove(value.normalize('NFKC'));
  if (lowercase) latin = latin.toLowerCase();
  return {
    kind: 'foreign',
    characters: foreign.map(describeCharacter),
    ...(/^[\x20-\x7e]+$/.test(latin) ? { latin } : {}),
  };
}
