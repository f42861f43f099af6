#!/usr/bin/env node
// Entry point. The installer is TypeScript run by Node 24's type stripping; refuse older Node
// with a message instead of a syntax error.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `runbook needs Node.js 24 or newer (this is ${process.version}).\n` +
      'Run `npm run setup` in the repository, then `runbook`: the command it installs runs the pinned Node 24.\n',
  );
  process.exit(2);
}
// Cache compiled code between runs (in the OS temp folder): about a fifth less start-up work.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
await import('../cli.ts');
