// The "set these variables in your shell" block: `export NAME='${NAME}'` for every site variable
// the pages use (the docs turn `${NAME}` into the reader's value, in the text and in what the copy
// button copies), then the generated secrets, kept when the shell already has them.
import { SECRET_VARIABLES } from '../../../src/site-file/variables.ts';

/** Variables whose value spans lines or holds spaces are quoted the same way: single quotes. */
export function shellVariablesBlock(
  siteVariables: readonly string[],
  comments: { site: string; secrets: string },
): string {
  const lines = [`# ${comments.site}`];
  for (const name of siteVariables) lines.push(`export ${name}='\${${name}}'`);
  lines.push('', `# ${comments.secrets}`);
  for (const name of Object.keys(SECRET_VARIABLES))
    lines.push(`export ${name}="\${${name}:-$(openssl rand -hex 24)}"`);
  return lines.join('\n');
}

/** Site variables a set of page sources uses, in the order the site file defines them. */
export function siteVariablesUsed(sources: string[], known: readonly string[]): string[] {
  const used = new Set<string>();
  for (const source of sources)
    for (const match of source.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)) used.add(match[1]!);
  return known.filter((name) => used.has(name));
}
