// CloudMonkey line syntax: `verb noun key=value key="quoted value" details[0].key=x`.
// The one parser of cmk lines, used by the runbook validator and the API client alike.

export interface CmkCall {
  verb: string;
  noun?: string;
  params: Record<string, string>;
}

export class CmkSyntaxError extends Error {}

/** Split a line into words, honouring single and double quotes (no escapes inside single). */
function words(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new CmkSyntaxError(`unclosed ${quote} quote`);
  if (inWord) out.push(current);
  return out;
}

const PARAM_NAME = /^[A-Za-z][A-Za-z0-9]*(\[\d+\]\.[A-Za-z][A-Za-z0-9]*)?$/;

export function parseCmkLine(line: string): CmkCall {
  const parts = words(line.trim());
  if (parts.length === 0) throw new CmkSyntaxError('empty line');
  const [verb, ...rest] = parts;
  let noun: string | undefined;
  if (rest.length > 0 && !rest[0]!.includes('=')) noun = rest.shift();
  const params: Record<string, string> = {};
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new CmkSyntaxError(`"${word}" is not key=value`);
    const key = word.slice(0, eq);
    if (!PARAM_NAME.test(key)) throw new CmkSyntaxError(`"${key}" is not a parameter name`);
    if (key in params) throw new CmkSyntaxError(`parameter "${key}" given twice`);
    params[key] = word.slice(eq + 1);
  }
  if (!/^[a-z][A-Za-z]*$/.test(verb!)) throw new CmkSyntaxError(`"${verb}" is not a verb`);
  return { verb: verb!, noun, params };
}
