// The site's own words (step cards, the address form, captions, downloads, diagram): English in
// content/i18n/en.json, translations in locales/<lang>/ui.po (src/i18n/ui-strings.ts). Every key
// of en.json is part of Starlight's i18n schema, so a label added there is translatable at once.
import english from '../content/i18n/en.json' with { type: 'json' };

export const RUNBOOK_UI_KEYS = Object.keys(english);
