import { defineCollection } from 'astro:content';
import { z } from 'astro/zod';
import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { RUNBOOK_UI_KEYS } from './lib/ui-strings.ts';

export const collections = {
  docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
  // The site's labels (content/i18n/<lang>.json): English in en.json, the others written from
  // locales/<lang>/ui.po at build time.
  i18n: defineCollection({
    loader: i18nLoader(),
    schema: i18nSchema({
      extend: z.object(Object.fromEntries(RUNBOOK_UI_KEYS.map((key) => [key, z.string().optional()]))),
    }),
  }),
};
