// The editor JSON Schema is generated from the zod suite schema. The committed file must equal
// the generated text (run `npm run schema` after changing the schema), and the JSON Schema must
// accept and reject suites the way zod does.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SuiteSchema, suiteJsonSchema, suiteJsonSchemaText } from '../src/config/schema.js';

const ROOT = new URL('..', import.meta.url);
const read = (rel: string) => readFile(fileURLToPath(new URL(rel, ROOT)), 'utf8');

type Json = Record<string, unknown>;
const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default', 'definitions']);

/**
 * A small draft-07 validator for the keywords the generated file uses. It throws on any other
 * keyword, so a schema change that needs more cannot pass here by being ignored.
 */
function errors(schema: Json, value: unknown, root: Json = schema, at = '$'): string[] {
  const out: string[] = [];
  const type = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  for (const [key, rule] of Object.entries(schema)) {
    const r = rule as never;
    switch (key) {
      case '$ref':
        out.push(...errors((root.definitions as Record<string, Json>)[(rule as string).replace('#/definitions/', '')]!, value, root, at));
        break;
      case 'type': {
        const want = ([] as string[]).concat(r);
        const got = type(value);
        if (!want.includes(got) && !(got === 'integer' && want.includes('number'))) out.push(`${at}: type ${got}, want ${want.join('|')}`);
        break;
      }
      case 'allOf':
        for (const s of r as Json[]) out.push(...errors(s, value, root, at));
        break;
      case 'anyOf':
        if (!(r as Json[]).some((s) => errors(s, value, root, at).length === 0)) out.push(`${at}: matches no anyOf branch`);
        break;
      case 'oneOf':
        if ((r as Json[]).filter((s) => errors(s, value, root, at).length === 0).length !== 1) out.push(`${at}: matches not exactly one oneOf branch`);
        break;
      case 'not':
        if (errors(r, value, root, at).length === 0) out.push(`${at}: is not allowed`);
        break;
      case 'enum':
        if (!(r as unknown[]).includes(value)) out.push(`${at}: not in enum`);
        break;
      case 'const':
        if (value !== r) out.push(`${at}: not the constant`);
        break;
      case 'required':
        if (type(value) === 'object') for (const k of r as string[]) if (!(k in (value as Json))) out.push(`${at}.${k}: required`);
        break;
      case 'properties':
        if (type(value) === 'object') for (const [k, s] of Object.entries(r as Record<string, Json>)) if (k in (value as Json)) out.push(...errors(s, (value as Json)[k], root, `${at}.${k}`));
        break;
      case 'additionalProperties':
        if (type(value) === 'object') {
          const known = Object.keys((schema.properties ?? {}) as Json);
          for (const [k, v] of Object.entries(value as Json)) {
            if (known.includes(k)) continue;
            if (r === false) out.push(`${at}.${k}: not allowed`);
            else out.push(...errors(r, v, root, `${at}.${k}`));
          }
        }
        break;
      case 'propertyNames':
        if (type(value) === 'object') for (const k of Object.keys(value as Json)) out.push(...errors(r, k, root, `${at}[${k}]`));
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((v, i) => out.push(...errors(r, v, root, `${at}.${i}`)));
        break;
      case 'minItems':
      case 'maxItems':
        if (Array.isArray(value) && (key === 'minItems' ? value.length < r : value.length > r)) out.push(`${at}: ${key}`);
        break;
      case 'minLength':
      case 'maxLength':
        if (typeof value === 'string' && (key === 'minLength' ? value.length < r : value.length > r)) out.push(`${at}: ${key}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(r, 'u').test(value)) out.push(`${at}: pattern`);
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum': {
        const n = value as number;
        const bad = key === 'minimum' ? n < r : key === 'maximum' ? n > r : n <= r;
        if (typeof value === 'number' && bad) out.push(`${at}: ${key}`);
        break;
      }
      default:
        if (!ANNOTATIONS.has(key)) throw new Error(`the test validator does not know the keyword ${key} (at ${at})`);
    }
  }
  return out;
}

describe('schema/suite.schema.json', () => {
  it('is exactly what suiteJsonSchema() generates (run `npm run schema` to refresh it)', async () => {
    expect(await read('schema/suite.schema.json')).toBe(suiteJsonSchemaText());
    expect(suiteJsonSchemaText()).toBe(`${JSON.stringify(suiteJsonSchema(), null, 2)}\n`);
  });

  it('is a titled draft-07 schema without $id, with the suite keys', () => {
    const schema = suiteJsonSchema() as Json;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.title).toBe('agent-lab suite');
    expect(JSON.stringify(schema)).not.toContain('"$id"');
    expect(schema.required).toEqual(['name', 'models', 'tasks']);
    expect(Object.keys(schema.properties as Json)).toEqual(Object.keys(SuiteSchema.shape));
    expect(schema.additionalProperties).toBe(false);
  });

  it('accepts the example suite, which points its editor at this file', async () => {
    const text = await read('suites/example.yaml');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/suite.schema.json');
    const example = parse(text) as unknown;
    expect(errors(suiteJsonSchema() as Json, example)).toEqual([]);
    expect(SuiteSchema.safeParse(example).success).toBe(true);
  });

  const base = { name: 's', models: ['a/b'], tasks: [{ id: 't', prompt: 'hi' }] };
  const cases: [string, unknown, boolean][] = [
    ['a minimal suite', base, true],
    ['all the optional fields', { ...base, description: 'd', system_prompts: { none: '', f: { file: 'x.md' } }, params: { temperature: 0, provider: { sort: { by: 'price' } } }, repeats: 2, concurrency: 1, max_cost: 0.1 }, true],
    ['a model with params', { ...base, models: [{ id: 'a/b', label: 'ab', params: { reasoning: { effort: 'high' }, seed: null } }] }, true],
    ['each task form', { ...base, tasks: [{ id: 'a', prompt: 'x' }, { id: 'b', prompt_file: 'p.md' }, { id: 'c', messages: [{ role: 'user', content: 'x' }] }] }, true],
    ['unknown params passing through', { ...base, params: { verbosity: 'low', plugins: [{ id: 'context-compression', enabled: false }] } }, true],
    ['no tasks key', { name: 's', models: ['a/b'] }, false],
    ['an unknown top-level key', { ...base, extra: 1 }, false],
    ['empty models', { ...base, models: [] }, false],
    ['a task with prompt and messages', { ...base, tasks: [{ id: 't', prompt: 'x', messages: [{ role: 'user', content: 'x' }] }] }, false],
    ['a task with no prompt', { ...base, tasks: [{ id: 't' }] }, false],
    ['a bad role', { ...base, tasks: [{ id: 't', messages: [{ role: 'robot', content: 'x' }] }] }, false],
    ['temperature out of range', { ...base, params: { temperature: 3 } }, false],
    ['a fractional max_tokens', { ...base, params: { max_tokens: 1.5 } }, false],
    ['`model` in params', { ...base, params: { model: 'x' } }, false],
    ['`models` in task params', { ...base, tasks: [{ id: 't', prompt: 'x', params: { models: ['a', 'b'] } }] }, false],
    ['an unknown reasoning key', { ...base, params: { reasoning: { budget: 1 } } }, false],
    ['a name with a space', { ...base, name: 'a b' }, false],
    ['repeats of 0', { ...base, repeats: 0 }, false],
    ['a system prompt id with a space', { ...base, system_prompts: { 'a b': '' } }, false],
    ['checks of every kind, suite-level too, and gates', {
      ...base,
      checks: [{ max_latency_ms: 1000 }],
      tasks: [{ id: 't', prompt: 'x', checks: [{ contains: 'a' }, { not_contains: 'b' }, { icontains: 'c' }, { equals: '' }, { starts_with: 'd' }, { regex: '^a' }, { regex: { pattern: 'a', flags: 'i' } }, { is_json: true }, { json_schema: { type: 'object' } }, { json_schema: { file: 's.json' } }, { max_ttft_ms: 1 }, { max_cost_usd: 0.1 }, { max_tokens: 5 }] }],
      gates: { min_pass_rate: 0.9, max_total_cost: 1, max_p95_latency_ms: 5000 },
    }, true],
    ['a check with two kinds', { ...base, tasks: [{ id: 't', prompt: 'x', checks: [{ contains: 'a', icontains: 'b' }] }] }, false],
    ['a check of no known kind', { ...base, tasks: [{ id: 't', prompt: 'x', checks: [{ contain: 'a' }] }] }, false],
    ['is_json: false', { ...base, tasks: [{ id: 't', prompt: 'x', checks: [{ is_json: false }] }] }, false],
    ['a pass rate above 1', { ...base, gates: { min_pass_rate: 90 } }, false],
    ['an unknown gate', { ...base, gates: { max_cost: 1 } }, false],
  ];

  it.each(cases)('agrees with zod on %s', (_, suite, valid) => {
    expect(SuiteSchema.safeParse(suite).success).toBe(valid);
    expect(errors(suiteJsonSchema() as Json, suite).length === 0).toBe(valid);
  });
});
