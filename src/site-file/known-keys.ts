// The keys the schema allows at a path, for "did you mean" hints on unknown keys.
import type { z } from 'zod';
import { siteSchema } from './schema.ts';

type AnySchema = z.core.$ZodType;

/** Looks through defaults, optionals, pipes and arrays to the object or element inside. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = current._zod.def as unknown as { innerType?: AnySchema; in?: AnySchema };
    if (def.innerType) current = def.innerType;
    else if (def.in) current = def.in;
    else break;
  }
  return current;
}

export function knownKeysAt(path: (string | number)[]): string[] {
  let schema: AnySchema = siteSchema;
  for (const part of path) {
    schema = unwrap(schema);
    const def = schema._zod.def as unknown as {
      shape?: Record<string, AnySchema>;
      element?: AnySchema;
    };
    if (typeof part === 'number' && def.element) schema = def.element;
    else if (typeof part === 'string' && def.shape?.[part]) schema = def.shape[part];
    else return [];
  }
  const def = unwrap(schema)._zod.def as unknown as { shape?: Record<string, AnySchema> };
  return def.shape ? Object.keys(def.shape) : [];
}
