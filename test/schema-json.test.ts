// The editor JSON Schema is generated from the zod suite schema. The committed file must equal
// the generated text (run `npm run schema` after changing the schema), and the JSON Schema must
// accept and reject suites the way zod does, as ajv (what editors' validators follow) reads it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SuiteSchema } from '../src/config/schema.js';
import { suiteJsonSchema, suiteJsonSchemaText } from '../src/config/json-schema.js';

const ROOT = new URL('..', import.meta.url);
const read = (rel: string) => readFile(fileURLToPath(new URL(rel, ROOT)), 'utf8');

type Json = Record<string, unknown>;

// ajv's default dialect is the draft-07 the file declares. strictSchema makes an unknown keyword a
// compile error, so a schema change that needs more than draft-07 cannot pass here by being ignored.
const validate = new Ajv({ strictSchema: true, allErrors: true }).compile(suiteJsonSchema() as Json);
const errors = (value: unknown): string[] => (validate(value) ? [] : validate.errors!.map((e) => `${e.instancePath || '$'} ${e.message}`));

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
    expect(errors(example)).toEqual([]);
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
    expect(errors(suite).length === 0).toBe(valid);
  });
});
