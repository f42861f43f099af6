// What CloudStack's API accepts: names, parameters, required and async flags. Bundled as a
// snapshot of ../shared/reference/cloudstack-api.json (see scripts/snapshot-api-reference.ts)
// so an installed runbook validates cmk lines without the reference folder.
import { readFileSync } from 'node:fs';

export interface ApiSpec {
  async: boolean;
  required: string[];
  optional: string[];
}

export interface ApiReference {
  source: string;
  commit: string;
  apis: Record<string, ApiSpec>;
}

/** Shape of the shared reference file (only the parts we keep). */
export interface FullReference {
  source: string;
  commit: string;
  apis: Record<string, { async: boolean; params: Record<string, { required: boolean }> }>;
}

export function snapshotOf(full: FullReference): ApiReference & { note: string } {
  const apis: Record<string, ApiSpec> = {};
  for (const name of Object.keys(full.apis).sort()) {
    const api = full.apis[name]!;
    const params = Object.entries(api.params);
    apis[name] = {
      async: api.async,
      required: params.filter(([, p]) => p.required).map(([k]) => k).sort(),
      optional: params.filter(([, p]) => !p.required).map(([k]) => k).sort(),
    };
  }
  return {
    source: full.source,
    commit: full.commit,
    note: 'Derived from ../shared/reference/cloudstack-api.json by scripts/snapshot-api-reference.ts: API names, parameters, required and async flags only. test/runbook/api-reference.test.ts keeps it equal to the reference.',
    apis,
  };
}

let cached: ApiReference | undefined;

export function apiReference(): ApiReference {
  cached ??= JSON.parse(
    readFileSync(new URL('./api-reference.json', import.meta.url), 'utf8'),
  ) as ApiReference;
  return cached;
}

let byLowerName: Map<string, string> | undefined;

/**
 * CloudMonkey's `verb noun` → API name: `create zone` → `createZone`, `list zones` → `listZones`.
 * Matches case-insensitively on verb+noun, as cmk does. Undefined when no API has that name.
 */
export function apiNameFor(verb: string, noun: string | undefined): string | undefined {
  if (!byLowerName) {
    byLowerName = new Map(Object.keys(apiReference().apis).map((n) => [n.toLowerCase(), n]));
  }
  return byLowerName.get(`${verb}${noun ?? ''}`.toLowerCase());
}

/** Parameter names accepted by an API; map parameters (`details[0].key`) match on their base. */
export function paramBase(param: string): string {
  const bracket = param.indexOf('[');
  return (bracket === -1 ? param : param.slice(0, bracket)).toLowerCase();
}
