// The bundled API snapshot must say exactly what the shared reference says.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiNameFor, apiReference, snapshotOf, type FullReference } from '../../src/cloudstack/api-reference.ts';

const SHARED = fileURLToPath(new URL('../../../shared/reference/cloudstack-api.json', import.meta.url));

describe('API reference snapshot', () => {
  it('equals the shared reference (../shared/reference beside the checkout)', () => {
    const full = JSON.parse(readFileSync(SHARED, 'utf8')) as FullReference;
    const snapshot = snapshotOf(full);
    expect(apiReference().apis).toEqual(snapshot.apis);
    expect(apiReference().commit).toBe(full.commit);
  });

  it('maps CloudMonkey verb + noun to API names', () => {
    expect(apiNameFor('create', 'zone')).toBe('createZone');
    expect(apiNameFor('list', 'zones')).toBe('listZones');
    expect(apiNameFor('create', 'physicalnetwork')).toBe('createPhysicalNetwork');
    expect(apiNameFor('register', 'userkeys')).toBe('registerUserKeys');
    expect(apiNameFor('create', 'unicorn')).toBeUndefined();
  });
});
