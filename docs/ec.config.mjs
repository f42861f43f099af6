// Expressive Code options of the runbook site, in their own file so that the <Code> component
// (StepMeta's by-hand capture lines, the shell-variables block) renders with the same plugins as
// the pages' code blocks: Astro cannot hand a plugin object to <Code> through the Astro config.
import { defineEcConfig } from '@astrojs/starlight/expressive-code';
import { variableCatalog } from './src/lib/variables.ts';
import { runbookCodePlugin } from './src/plugins/ec-runbook.ts';

export default defineEcConfig({
  plugins: [runbookCodePlugin(variableCatalog())],
  shiki: { langAlias: { cmk: 'sh' } },
  frames: { removeCommentsWhenCopyingTerminalFrames: false },
  // Long commands (personalised nfs:// URLs, cmk calls) wrap instead of running off the column:
  // a continued line keeps its indent plus two columns, where runbook.css draws a ↪ mark.
  defaultProps: { wrap: true, preserveIndent: true, hangingIndent: 2 },
});
