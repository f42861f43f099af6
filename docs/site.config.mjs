// Kept for pages that import the settings under their first name; the settings live in site.config.ts.
export { siteConfig } from './site.config.ts';
