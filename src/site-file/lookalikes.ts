// Names typed with a letter from another script that looks Latin (`kvм1` with a Cyrillic м):
// the operator sees "kvm1" in the message and cannot tell what is wrong. Say which character it
// is, and what the name reads as in Latin letters (Unicode's confusables, `confusables`).
import { remove } from 'confusables';
import { t } from '../i18n/translate.ts';

const SCRIPTS = ['Cyrillic', 'Greek', 'Armenian', 'Cherokee', 'Coptic'] as const;

function scriptOf(char: string): string | undefined {
  return SCRIPTS.find((s) => new RegExp(`\\p{Script=${s}}`, 'u').test(char));
}

/** `Cyrillic "м" (U+043C)`: a character named so that it can be found and retyped. */
export function describeCharacter(char: string): string {
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const script = scriptOf(char);
  if (script) return t('{script} "{char}" ({code})', { script, char, code });
  if (/[\uff01-\uff5e]/.test(char)) return t('full-width "{char}" ({code})', { char, code });
  return t('"{char}" ({code})', { char, code });
}

export interface Lookalike {
  /** The characters that are not ASCII, described. */
  characters: string[];
  /** The value in Latin letters, when every foreign character has a Latin look-alike. */
  latin?: string;
}

/** Non-ASCII characters of `value`, or undefined when it is plain ASCII. */
export function lookalikes(value: string, lowercase = false): Lookalike | undefined {
  const foreign = [...new Set([...value].filter((c) => c.codePointAt(0)! > 0x7e))];
  if (foreign.length === 0) return undefined;
  let latin = remove(value.normalize('NFKC'));
  if (lowercase) latin = latin.toLowerCase();
  return { characters: foreign.map(describeCharacter), ...(/^[\x20-\x7e]+$/.test(latin) ? { latin } : {}) };
}
