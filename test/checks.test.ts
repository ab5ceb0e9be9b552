// Checks: each kind's verdict on a row (pure), the suite schema's rules for `checks:` (errors at
// file:line), and a run against the simulator whose rows, CSV and summary carry the verdicts.
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withChecks } from '../src/checks/apply.js';
import { evaluateChecks, parseJson } from '../src/checks/evaluate.js';
import { loadSuite } from '../src/config/load.js';
import { memoryEnv } from '../src/env.js';
import type { ConfigError } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import type { CheckSpec } from '../src/types/job.js';
import type { JobResult } from '../src/types/result.js';
import { readResults } from './helpers/results.js';
import { row } from './helpers/rows.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const one = (spec: CheckSpec, overrides: Partial<JobResult> = {}) => evaluateChecks([spec], row(overrides))[0]!;

describe('evaluateChecks: each kind', () => {
  const text = 'The capital of Australia is Canberra.';
  const cases: [string, CheckSpec, string, boolean][] = [
    ['contains (hit)', { kind: 'contains', value: 'Canberra' }, text, true],
    ['contains is case-sensitive', { kind: 'contains', value: 'canberra' }, text, false],
    ['icontains ignores case', { kind: 'icontains', value: 'CANBERRA' }, text, true],
    ['icontains (miss)', { kind: 'icontains', value: 'Sydney' }, text, false],
    ['not_contains (absent)', { kind: 'not_contains', value: 'Sydney' }, text, true],
    ['not_contains (present)', { kind: 'not_contains', value: 'Canberra' }, text, false],
    ['equals trims', { kind: 'equals', value: '42' }, '  42\n', true],
    ['equals (differs)', { kind: 'equals', value: '42' }, '42.', false],
    ['starts_with after leading space', { kind: 'starts_with', value: 'The' }, `  ${text}`, true],
    ['starts_with (miss)', { kind: 'starts_with', value: 'Canberra' }, text, false],
    ['regex', { kind: 'regex', pattern: '^\\d+$', flags: '' }, '1234', true],
    ['regex (miss)', { kind: 'regex', pattern: '^\\d+$', flags: '' }, '12a', false],
    ['regex with flags', { kind: 'regex', pattern: '^the capital', flags: 'i' }, text, true],
    ['is_json', { kind: 'is_json' }, '{"a": 1}', true],
    ['is_json in a ```json fence', { kind: 'is_json' }, '```json\n{"a": 1}\n```', true],
    ['is_json (prose)', { kind: 'is_json' }, text, false],
    ['is_json (empty)', { kind: 'is_json' }, '', false],
  ];
  it.each(cases)('%s', (_, spec, output, pass) => {
    expect(one(spec, { output_text: output }).pass).toBe(pass);
  });

  it('json_schema: valid, invalid (every violation named), and not JSON', () => {
    const spec: CheckSpec = { kind: 'json_schema', file: null, schema: { type: 'object', required: ['city', 'population'], properties: { city: { type: 'string' }, population: { type: 'integer' } } } };
    expect(one(spec, { output_text: '{"city": "Canberra", "population": 467000}' })).toEqual({ name: 'json_schema (inline)', pass: true, detail: 'matches the schema' });
    const bad = one(spec, { output_text: '{"city": 7}' });
    expect(bad.pass).toBe(false);
    expect(bad.detail).toContain("must have required property 'population'");
    expect(bad.detail).toContain('/city must be string');
    expect(one(spec, { output_text: 'Canberra' })).toMatchObject({ pass: false, detail: expect.stringMatching(/^not JSON/) });
  });

  it('json_schema: a 2020-12 schema is validated as 2020-12', () => {
    const spec: CheckSpec = { kind: 'json_schema', file: 's.json', schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'number' }], items: false } };
    expect(one(spec, { output_text: '[1]' }).pass).toBe(true);
    expect(one(spec, { output_text: '[1, 2]' }).pass).toBe(false);
  });

  it('limits compare the measured numbers, and an unknown number fails', () => {
    expect(one({ kind: 'max_latency_ms', limit: 300 }, { latency_ms: 200 })).toEqual({ name: 'max_latency_ms 300', pass: true, detail: 'latency 200 ms ≤ 300 ms' });
    expect(one({ kind: 'max_latency_ms', limit: 100 }, { latency_ms: 200 })).toMatchObject({ pass: false, detail: 'latency 200 ms > 100 ms' });
    expect(one({ kind: 'max_ttft_ms', limit: 50 }, { ttft_ms: 100 }).pass).toBe(false);
    expect(one({ kind: 'max_ttft_ms', limit: 50 }, { ttft_ms: null })).toMatchObject({ pass: false, detail: 'ttft unknown' });
    expect(one({ kind: 'max_tokens', limit: 5 }, { tokens_completion: 5 }).pass).toBe(true);
    expect(one({ kind: 'max_tokens', limit: 4 }, { tokens_completion: 5 }).pass).toBe(false);
    expect(one({ kind: 'max_tokens', limit: 4 }, { tokens_completion: null, native_tokens_completion: 3 }).pass).toBe(true);
  });

  it('max_cost_usd: pending while the lookup runs, unknown once it is over', () => {
    const spec: CheckSpec = { kind: 'max_cost_usd', limit: 0.01 };
    expect(one(spec, { cost_usd: 0.001 })).toMatchObject({ pass: true, detail: 'cost $0.001 ≤ $0.01' });
    expect(one(spec, { cost_usd: 0.02 }).pass).toBe(false);
    const pending = row({ cost_usd: null, cost_source: 'pending' });
    expect(evaluateChecks([spec], pending, { final: false })[0]).toMatchObject({ pass: false, detail: 'cost pending' });
    expect(evaluateChecks([spec], pending, { final: true })[0]).toMatchObject({ pass: false, detail: 'cost unknown' });
  });

  it('parseJson strips only a fence that wraps the whole answer', () => {
    expect(parseJson('```\n[1,2]\n```')).toEqual({ ok: true, value: [1, 2] });
    expect(parseJson('Here: ```json\n{}\n```').ok).toBe(false);
  });
});

describe('withChecks: the row verdict', () => {
  const specs: CheckSpec[] = [{ kind: 'contains', value: 'hello' }, { kind: 'max_tokens', limit: 1 }];
  it('passes only when every check passes', () => {
    const judged = withChecks(row({ output_text: 'hello', tokens_completion: 1 }), specs);
    expect(judged.passed).toBe(true);
    expect(judged.checks.map((c) => c.name)).toEqual(['contains "hello"', 'max_tokens 1']);
    expect(withChecks(row({ output_text: 'hello', tokens_completion: 2 }), specs).passed).toBe(false);
  });
  it('does not judge an errored row, nor a task without checks', () => {
    expect(withChecks(row({ status: 'error', error_kind: 'server' }), specs)).toMatchObject({ checks: [], passed: null });
    expect(withChecks(row(), [])).toMatchObject({ checks: [], passed: null });
  });
});

describe('checks in the suite schema', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace({ 'schema.json': JSON.stringify({ type: 'object', required: ['answer'] }), 'broken.json': '{"type": "object", "requried": ["x"]}' });
  });
  afterAll(() => ws.cleanup());
  const problems = async (yaml: string) => {
    const file = await ws.write('suite.yaml', yaml);
    try {
      await loadSuite(file);
      return [];
    } catch (error) {
      return (error as ConfigError).issues.map((i) => `${i.line}:${i.path}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`);
    }
  };
  const base = 'name: s\nmodels: [a/b]\ntasks:\n  - id: t\n    prompt: hi\n    checks:\n';

  it('accepts every kind, suite-level checks and a schema file, and resolves the file', async () => {
    const yaml = `name: s\nmodels: [a/b]\nchecks:\n  - max_latency_ms: 5000\ntasks:\n  - id: t\n    prompt: hi\n    checks:\n${[
      'contains: Canberra', 'not_contains: Sydney', 'icontains: canberra', "equals: '42'", 'starts_with: The', "regex: '^\\d+$'",
      "regex: { pattern: '^a', flags: i }", 'is_json: true', 'json_schema: { type: object }', 'json_schema: { file: schema.json }',
      'max_ttft_ms: 500', 'max_cost_usd: 0.01', 'max_tokens: 200',
    ].map((c) => `      - ${c}`).join('\n')}\n`;
    expect(await problems(yaml)).toEqual([]);
    const loaded = await loadSuite(ws.path('suite.yaml'));
    expect(loaded.files['schema.json']).toContain('answer');
  });

  it('reports a bad regex, an unknown kind, two kinds in one item and a bad schema at their lines', async () => {
    const got = await problems(`${base}      - regex: '(unclosed'\n      - contain: x\n      - { contains: a, icontains: b }\n      - json_schema: { type: objekt }\n      - regex: { pattern: a, flags: g }\n`);
    expect(got).toHaveLength(5);
    expect(got[0]).toMatch(/^7:tasks\.0\.checks\.0\.regex: Invalid regex: .*Unterminated group/);
    expect(got[1]).toBe('8:tasks.0.checks.1.contain: Unknown key `contain` (did you mean `contains`?)');
    expect(got[2]).toMatch(/^9:tasks\.0\.checks\.2\.icontains: A check is a one-key mapping/);
    expect(got[3]).toMatch(/^10:tasks\.0\.checks\.3\.json_schema: Invalid JSON Schema: .*type/);
    expect(got[4]).toMatch(/^11:.*g and y make matching stateful/);
  });

  it('reports a schema file that is missing, not JSON, or not a valid schema', async () => {
    await ws.write('notjson.json', '{ nope');
    const got = await problems(`${base}      - json_schema: { file: missing.json }\n      - json_schema: { file: notjson.json }\n      - json_schema: { file: broken.json }\n`);
    expect(got).toEqual([
      expect.stringMatching(/^7:tasks\.0\.checks\.0\.json_schema\.file: JSON Schema file `missing\.json` does not exist/),
      expect.stringMatching(/^8:.*`notjson\.json` is not JSON/),
      expect.stringMatching(/^9:.*`broken\.json` is not a valid JSON Schema: .*requried/),
    ]);
  });

  it('rejects an empty check, is_json: false, and a limit of 0', async () => {
    const got = await problems(`${base}      - {}\n      - is_json: false\n      - max_latency_ms: 0\n`);
    expect(got).toHaveLength(3);
    expect(got[0]).toMatch(/A check needs one of/);
    expect(got[1]).toMatch(/`is_json` to be true/);
    expect(got[2]).toMatch(/`max_latency_ms` to be a number of ms greater than 0/);
  });
});

describe('checks on a run against the simulator', () => {
  const KEY = 'sk-or-v1-checks-test-key-0123456789';
  let server: MockServer;
  let w: Workspace;
  let rows: JobResult[];
  let summary: Awaited<ReturnType<typeof runSuite>>['summary'];
  let stdout: string;

  beforeAll(async () => {
    server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 20 });
    w = await workspace({
      'agent-lab.config.yaml': FAST_CONFIG,
      'suite.yaml': `
name: checked
models: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]
checks:
  - max_cost_usd: 1
tasks:
  - id: capital
    prompt: 'Capital? [[mock: reply="The capital is Canberra."]]'
    checks:
      - contains: Canberra
      - not_contains: Sydney
  - id: json
    prompt: 'JSON please [[mock: reply="{\\"answer\\": 42}"]]'
    checks:
      - json_schema: { type: object, required: [answer], properties: { answer: { type: integer } } }
  - id: wrong
    prompt: 'Capital? [[mock: reply="Sydney, surely."]]'
    checks:
      - icontains: canberra
  - id: broken
    prompt: 'x [[mock: fault=bad_request]]'
    checks:
      - contains: anything
  - id: unchecked
    prompt: hello
`,
    });
    const env = memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'out' }, env);
    summary = report.summary;
    stdout = env.out();
    rows = await readResults(w.path('out'));
  });
  afterAll(async () => {
    await server.close();
    await w.cleanup();
  });

  it('records every check on each ok row, suite-level checks first, with the final cost', () => {
    const capital = rows.find((r) => r.task_id === 'capital')!;
    expect(capital.checks.map((c) => c.name)).toEqual(['max_cost_usd 1', 'contains "Canberra"', 'not_contains "Sydney"']);
    expect(capital.checks[0]!.detail).toMatch(/^cost \$[\d.e-]+ ≤ \$1$/);
    expect(capital.passed).toBe(true);
    expect(rows.find((r) => r.task_id === 'json')!.passed).toBe(true);
    const wrong = rows.find((r) => r.task_id === 'wrong')!;
    expect(wrong.passed).toBe(false);
    expect(wrong.checks[1]).toMatchObject({ name: 'icontains "canberra"', pass: false });
    expect(rows.find((r) => r.task_id === 'broken')).toMatchObject({ status: 'error', checks: [], passed: null });
    // Suite-level checks apply to a task without its own, too.
    expect(rows.find((r) => r.task_id === 'unchecked')!.checks.map((c) => c.name)).toEqual(['max_cost_usd 1']);
  });

  it('writes checks_passed, passed and check_failures to the CSV', async () => {
    const records = parseCsv(await readFile(w.path('out/results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const wrong = records.find((r) => r.task_id === 'wrong')!;
    expect(wrong).toMatchObject({ checks_passed: '1/2', passed: 'false' });
    expect(wrong.check_failures).toMatch(/^icontains "canberra": not found \(ignoring case\) in "Sydney, surely\."$/);
    expect(records.find((r) => r.task_id === 'capital')).toMatchObject({ checks_passed: '3/3', passed: 'true', check_failures: '' });
    expect(records.find((r) => r.task_id === 'broken')).toMatchObject({ checks_passed: '', passed: '' });
  });

  it('summarises the pass rate per model × system prompt, errors left out, with a Wilson interval', () => {
    expect(summary.groups).toHaveLength(2);
    for (const g of summary.groups) {
      // capital, json, unchecked pass; wrong fails; broken errored and is not counted.
      expect(g).toMatchObject({ n: 5, ok: 4, errors: 1, checked: 4, passed: 3, pass_rate: 0.75 });
      expect(g.pass_rate_ci95![0]).toBeCloseTo(0.3006, 3);
      expect(g.pass_rate_ci95![1]).toBeCloseTo(0.9544, 3);
    }
    expect(summary.overall).toMatchObject({ checked: 8, passed: 6, pass_rate: 0.75 });
    expect(summary.overall.latency_ms.p95).not.toBeNull();
  });

  it('prints a pass column', () => {
    expect(stdout).toMatch(/^model\s+prompt\s+ok\/n\s+pass\s/m);
    expect(stdout).toMatch(/^openai\/gpt-4o-mini\s+default\s+4\/5\s+3\/4 75%/m);
  });
});

describe('json_schema compile cache', () => {
  it('compiles the same $id schema for two tasks once instead of failing on the duplicate id', () => {
    const schema = () => ({ $id: 'https://example.com/city.json', type: 'object', required: ['city'] });
    const a = evaluateChecks([{ kind: 'json_schema', schema: schema(), file: 'a.json' }], row({ output_text: '{"city": "x"}' }))[0]!;
    const b = evaluateChecks([{ kind: 'json_schema', schema: schema(), file: 'b.json' }], row({ output_text: '{}' }))[0]!;
    expect(a.pass).toBe(true);
    expect(b).toMatchObject({ pass: false, detail: "(root) must have required property 'city'" });
  });
});
