// Regenerates src/cloudstack/api-reference.json from the shared CloudStack API reference:
// the names, parameters, required and async flags the validator and the client need at run time.
// Usage: node scripts/snapshot-api-reference.ts [path/to/cloudstack-api.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { snapshotOf, type FullReference } from '../src/cloudstack/api-reference.ts';

const from = process.argv[2] ?? new URL('../../shared/reference/cloudstack-api.json', import.meta.url).pathname;
const full = JSON.parse(readFileSync(from, 'utf8')) as FullReference;
const to = new URL('../src/cloudstack/api-reference.json', import.meta.url).pathname;
writeFileSync(to, JSON.stringify(snapshotOf(full)));
console.log(`wrote ${to} (${Object.keys(full.apis).length} APIs from ${from})`);
