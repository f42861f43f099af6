// Lint TypeScript with the recommended rules; formatting is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'docs/dist/', 'docs/.astro/', 'appliance/.cache/', 'appliance/out/', 'bench/.work/', 'test/.artifacts/', '.runbook-lab/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Everything here runs on Node (the docs' browser scripts are bundled by Astro from .ts).
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
