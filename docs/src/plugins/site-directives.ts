// Sätteri mdast plugin: leaf directives that put one of the site's own components into a page,
// without an MDX import (the translated copies of a page live one folder deeper, so a relative
// import would break there):
//   ::network-diagram   the picture of the cloud, drawn from the site values (NetworkDiagram.astro)
//   ::shell-variables   the "set these variables in your shell" block (ShellVariables.astro)
// The engine's parser and the translation extractor skip leaf directives; the book draws the
// same things itself (src/docs-build/book-markdown.ts).
import type { MdastPluginDefinition } from 'satteri';

export const SITE_DIRECTIVES = ['network-diagram', 'shell-variables'] as const;
export type SiteDirective = (typeof SITE_DIRECTIVES)[number];

/** Directive name → absolute path of its component. */
export type SiteDirectiveComponents = Record<SiteDirective, string>;

const importName = (name: string) => `__RunbookSite_${name.replace(/-/g, '_')}`;

export function siteDirectivesPlugin(components: SiteDirectiveComponents) {
  return ({ source, sourceFormat }: { source: string; sourceFormat: string }): MdastPluginDefinition | undefined => {
    const used = SITE_DIRECTIVES.filter((name) => source.includes(`::${name}`));
    if (used.length === 0 || sourceFormat !== 'mdx') return undefined;
    return {
      name: 'runbook-site-directives',
      before(root, ctx) {
        ctx.prependChild(root, {
          type: 'mdxjsEsm',
          value: used.map((name) => `import ${importName(name)} from ${JSON.stringify(components[name])};`).join('\n'),
        } as never);
      },
      leafDirective(node, ctx) {
        if (!(SITE_DIRECTIVES as readonly string[]).includes(node.name)) {
          ctx.report({ message: `unknown directive ::${node.name} (the site knows ${SITE_DIRECTIVES.map((n) => `::${n}`).join(', ')})`, node, severity: 'warning' });
          return undefined;
        }
        return { type: 'mdxJsxFlowElement', name: importName(node.name), attributes: [], children: [] } as never;
      },
    };
  };
}
