// Where "Edit page" points. English pages: their MDX source (Starlight's editLink.baseUrl +
// the page's file). Translated pages: the page's PO catalog `locales/<lang>/<slug>.po`, because
// translators edit catalogs, never the generated pages (locales/<lang>/, lang as in the Starlight
// locale config, e.g. zh-CN for the zh-cn folder). This is the hook the translation
// build uses: a page is a translation when it is served under a non-default locale and is not
// Starlight's fallback to the English page. Pages the site makes itself (the downloads page) name
// their English source in their frontmatter (`editUrl`); translated, they point at ui.po.
import { siteConfig } from '../../site.config.ts';

/** The English UI strings, which pages made by the site itself (downloads) name as their source. */
export const UI_STRINGS_SOURCE = `${siteConfig.docsFolder}/src/content/i18n/en.json`;

export interface EditLinkInput {
  /** Starlight's URL for the source file (undefined when edit links are off). */
  sourceEditUrl: string | undefined;
  /** The page's locale folder (`zh-cn`), undefined for the English root. */
  locale: string | undefined;
  /** The locale's language tag (`zh-CN`): the folder name under locales/. */
  lang: string;
  /** The page id, e.g. `fr/database` or `database`. */
  id: string;
  /** True when the page is the English page shown because no translation exists. */
  isFallback: boolean;
}

export function editUrlFor(page: EditLinkInput): string | undefined {
  if (!page.locale || page.isFallback) return page.sourceEditUrl;
  // A page the site makes itself (downloads): its words are UI strings, translated in ui.po.
  if (page.sourceEditUrl?.endsWith(UI_STRINGS_SOURCE))
    return `${siteConfig.repositoryUrl}/edit/${siteConfig.branch}/locales/${page.lang}/ui.po`;
  const id = page.id.replace(/\/$/, '');
  const slug =
    id === page.locale
      ? ''
      : id.startsWith(`${page.locale}/`)
        ? id.slice(page.locale.length + 1)
        : id;
  return `${siteConfig.repositoryUrl}/edit/${siteConfig.branch}/locales/${page.lang}/${slug || 'index'}.po`;
}
