// JSON Schema validation for the `json_schema` check, by ajv (the reference validator for
// drafts 07 through 2020-12). A schema is compiled once and cached: a suite's schema is used by
// every job of its task.
// ajv is loaded on the first compile, not at import: it is ~130 ms of start-up that every run
// paid, with or without a json_schema check (bench startup figures, docs/performance.md).
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Ajv2019 } from 'ajv/dist/2019.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type formatsPlugin from 'ajv-formats';

const require = createRequire(import.meta.url);

export type Compiled = { ok: true; validate: ValidateFunction } | { ok: false; problem: string };

// Keyed by the schema's text: the same file read for two tasks is compiled once, which also keeps
// ajv from refusing a second schema with the same `$id`.
const cache = new Map<string, Compiled>();
/** The same object again (every job of a task): skip even the JSON.stringify. */
const byObject = new WeakMap<object, Compiled>();
let engines: { draft7: Ajv; draft2019: Ajv2019; draft2020: Ajv2020 } | null = null;

function engine(schema: Record<string, unknown>): Ajv | Ajv2019 | Ajv2020 {
  // strictSchema catches a misspelt keyword (`requried`) instead of silently ignoring it;
  // allErrors lists every violation in the check's detail, not just the first.
  const options = { allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false, validateFormats: true } as const;
  if (!engines) {
    const { Ajv: Draft7 } = require('ajv') as { Ajv: typeof Ajv };
    const { Ajv2019: Draft2019 } = require('ajv/dist/2019.js') as { Ajv2019: typeof Ajv2019 };
    const { Ajv2020: Draft2020 } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
    const formats = require('ajv-formats') as typeof formatsPlugin;
    engines = { draft7: new Draft7(options), draft2019: new Draft2019(options), draft2020: new Draft2020(options) };
    for (const ajv of Object.values(engines)) formats.default(ajv as Ajv);
  }
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (dialect.includes('2020-12')) return engines.draft2020;
  if (dialect.includes('2019-09')) return engines.draft2019;
  return engines.draft7;
}

/** Compile a schema, or say why it is not one. */
export function compileJsonSchema(schema: Record<string, unknown>): Compiled {
  const seen = byObject.get(schema);
  if (seen) return seen;
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit) {
    byObject.set(schema, hit);
    return hit;
  }
  let compiled: Compiled;
  try {
    compiled = { ok: true, validate: engine(schema).compile(schema) };
  } catch (error) {
    compiled = { ok: false, problem: (error as Error).message };
  }
  cache.set(key, compiled);
  byObject.set(schema, compiled);
  return compiled;
}

/** ajv's errors as one short line: `/age must be integer; must have required property 'name'`. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors?.length) return 'does not match the schema';
  const parts = errors.slice(0, 5).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
  return parts.join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '');
}
