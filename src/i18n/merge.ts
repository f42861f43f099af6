// Template (POT) + a language's existing catalog → the updated catalog, losing no translation:
// - same msgctxt + msgid: the translation stays as it was;
// - a changed English text: the closest old translation (same step first, then by edit
//   distance) is kept, marked fuzzy, with the English it was made for as the previous msgid;
//   when the English changes back to that previous text, the entry is exact again;
// - a removed text: its translation becomes an obsolete (#~) entry, which a later update
//   revives if the text comes back.
import { distance } from 'fastest-levenshtein';
import { messageKey, type PoCatalog, type PoMessage } from './po-file.ts';

/** Below this similarity (0..1) an old translation is no help for a new text. */
const SIMILAR_ENOUGH = 0.6;
/** Across different steps (msgctxt changed) demand more. */
const SIMILAR_ACROSS_CONTEXTS = 0.8;

export interface MergeStats {
  exact: number;
  fuzzy: number;
  untranslated: number;
  obsolete: number;
}

export function mergeCatalog(template: PoCatalog, existing: PoCatalog | undefined, headers: Record<string, string>): { catalog: PoCatalog; stats: MergeStats } {
  const old = (existing?.messages ?? []).filter((m) => m.str !== '');
  const oldByKey = new Map(old.map((m) => [messageKey(m.context, m.id), m]));
  const templateKeys = new Set(template.messages.map((m) => messageKey(m.context, m.id)));
  // Old translations whose English is gone from the template: candidates for changed texts.
  const orphans = old.filter((m) => !templateKeys.has(messageKey(m.context, m.id)));
  const templateContexts = new Set(template.messages.map((m) => m.context ?? ''));
  const used = new Set<PoMessage>();
  const stats: MergeStats = { exact: 0, fuzzy: 0, untranslated: 0, obsolete: 0 };

  const messages: PoMessage[] = template.messages.map((t) => {
    const base: PoMessage = { ...t, str: '', fuzzy: false, previous: undefined, obsolete: false };
    const same = oldByKey.get(messageKey(t.context, t.id));
    if (same) {
      used.add(same);
      if (same.fuzzy) stats.fuzzy++;
      else stats.exact++;
      return { ...base, str: same.str, fuzzy: same.fuzzy, previous: same.fuzzy ? same.previous : undefined, translator: same.translator };
    }
    // The English went back to the text a fuzzy translation was made for: exact again.
    const reverted = orphans.find((o) => o.fuzzy && o.previous && o.previous.id === t.id && (o.previous.context ?? o.context) === t.context);
    if (reverted) {
      used.add(reverted);
      stats.exact++;
      return { ...base, str: reverted.str, translator: reverted.translator };
    }
    // The same English under a renamed step id (its old id is gone): still the right translation.
    const moved = orphans.find((o) => !o.fuzzy && o.id === t.id && !templateContexts.has(o.context ?? ''));
    if (moved) {
      used.add(moved);
      stats.exact++;
      return { ...base, str: moved.str, translator: moved.translator };
    }
    // Only numbers changed (a generated report's counts): the same translation with the new numbers.
    for (const o of orphans) {
      if (used.has(o) || o.fuzzy || (o.context ?? '') !== (t.context ?? '')) continue;
      const renumbered = withNewNumbers(o.id, t.id, o.str);
      if (renumbered === undefined) continue;
      used.add(o);
      stats.exact++;
      return { ...base, str: renumbered, translator: o.translator };
    }
    const match = closest(t, orphans);
    if (match) {
      used.add(match);
      stats.fuzzy++;
      // Keep pointing at the English the translation was really made for.
      const previous = match.fuzzy && match.previous ? match.previous : { context: match.context, id: match.id };
      return { ...base, str: match.str, fuzzy: true, previous, translator: match.translator };
    }
    stats.untranslated++;
    return base;
  });

  for (const o of orphans) {
    if (used.has(o)) continue;
    stats.obsolete++;
    messages.push({ ...o, obsolete: true, references: [], extracted: undefined });
  }
  return { catalog: { headers: { ...(existing?.headers ?? {}), ...headers }, messages }, stats };
}

function closest(target: PoMessage, candidates: PoMessage[]): PoMessage | undefined {
  let best: PoMessage | undefined;
  let bestScore = 0;
  for (const c of candidates) {
    const sameContext = (c.context ?? '') === (target.context ?? '');
    const score = similarity(c.id, target.id) + (sameContext ? 0.05 : 0);
    const needed = sameContext ? SIMILAR_ENOUGH : SIMILAR_ACROSS_CONTEXTS;
    if (score - (sameContext ? 0.05 : 0) >= needed && score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

const NUMBER = /\d+/g;

/**
 * When `oldId` and `newId` differ only in their numbers, and each changed number of the old
 * text maps to one new number and appears in the translation as often as in the old text,
 * the translation with those numbers replaced; otherwise undefined.
 */
export function withNewNumbers(oldId: string, newId: string, translation: string): string | undefined {
  if (oldId === newId || oldId.replace(NUMBER, '#') !== newId.replace(NUMBER, '#')) return undefined;
  const before = oldId.match(NUMBER) ?? [];
  const after = newId.match(NUMBER) ?? [];
  const map = new Map<string, string>();
  for (let i = 0; i < before.length; i++) {
    const known = map.get(before[i]!);
    if (known !== undefined && known !== after[i]) return undefined;
    map.set(before[i]!, after[i]!);
  }
  const inTranslation = translation.match(NUMBER) ?? [];
  for (const [from, to] of map) {
    if (from === to) continue;
    const count = (list: string[]) => list.filter((n) => n === from).length;
    if (count(inTranslation) !== count(before)) return undefined;
  }
  return translation.replace(NUMBER, (n) => map.get(n) ?? n);
}

export function similarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return 1 - distance(a, b) / longest;
}
