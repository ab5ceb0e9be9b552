// The main job end to end: the real client, runner and writers against the simulator on loopback.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { memoryEnv } from '../src/env.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import type { JobResult } from '../src/types/result.js';
import type { RunSummary } from '../src/types/summary.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-e2e-test-key-0123456789abcdef';

const SUITE = `
name: e2e
models:
  - openai/gpt-4o-mini
  - id: meta-llama/llama-3.1-8b-instruct
    label: llama
system_prompts:
  terse: Answer in one sentence.
  none: ''
tasks:
  - id: capital
    prompt: What is the capital of France?
  - id: chat
    messages:
      - { role: user, content: Hello }
      - { role: assistant, content: Hi! }
      - { role: user, content: Tell me a fact. }
params:
  temperature: 0
  max_tokens: 40
repeats: 1
concurrency: 3
`;

let server: MockServer;
let ws: Workspace;
let rows: JobResult[];
let exitCode: number;
let stdout: string;

beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 20, itlMs: 2, generationDelayMs: 150 });
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
  const report = await runSuite({ suitePath: 'suite.yaml', out: 'out' }, env);
  exitCode = report.exitCode;
  stdout = env.out();
  rows = await readResults(ws.path('out'));
});

afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

describe('agent-lab run against the simulator', () => {
  it('runs every job once and ends 0', () => {
    expect(exitCode).toBe(0);
    expect(rows).toHaveLength(2 * 2 * 2);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(8);
    expect(server.requests).toHaveLength(8);
    expect(rows.every((r) => r.status === 'ok')).toBe(true);
  });

  it('reports the cost and native tokens /generation gave, not the inline usage', async () => {
    for (const row of rows) {
      const res = await fetch(`${server.url}/generation?id=${row.generation_id}`, { headers: { authorization: `Bearer ${KEY}` } });
      const { data } = (await res.json()) as { data: Record<string, number> };
      expect(row.cost_source).toBe('generation');
      expect(row.cost_usd).toBe(data.total_cost);
      expect(row.native_tokens_prompt).toBe(data.native_tokens_prompt);
      expect(row.native_tokens_completion).toBe(data.native_tokens_completion);
      expect(row.or_latency_ms).toBe(data.latency);
      // The simulator's native counts differ from its usage counts, so this proves which was reported.
      expect(row.native_tokens_prompt).not.toBe(row.tokens_prompt);
      expect(row.cost_usage_usd).not.toBeNull();
    }
  });

  it('measures timing consistent with the simulator profile', () => {
    for (const row of rows) {
      expect(row.ttft_ms).toBeGreaterThanOrEqual(15);
      expect(row.latency_ms!).toBeGreaterThanOrEqual(row.ttft_ms!);
      expect(row.tokens_completion).toBeGreaterThan(0);
      expect(row.model_served).toBeTruthy();
      expect(row.provider).toBeTruthy();
    }
  });

  it('writes the CSV with the same rows and a header', async () => {
    const records = parseCsv(await readFile(ws.path('out/results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(8);
    const byId = new Map(rows.map((r) => [r.job_id, r]));
    for (const rec of records) expect(Number(rec.cost_usd)).toBe(byId.get(rec.job_id!)!.cost_usd);
  });

  it('writes summary.json with the counts and totals of the rows, and run.json without the key', async () => {
    const written = await readJson<RunSummary>(ws.path('out/summary.json'));
    expect(written.overall.n).toBe(8);
    const key = (x: { model: string; system_prompt_id: string }) => `${x.model}|${x.system_prompt_id}`;
    // 2 models × 2 system prompts, each with its 2 tasks' rows.
    expect(written.groups.map(key).sort()).toEqual([...new Set(rows.map(key))].sort());
    expect(written.groups).toHaveLength(4);
    const total = (values: (number | null)[]) => values.reduce((a: number, v) => a + v!, 0);
    for (const g of written.groups) {
      const mine = rows.filter((r) => key(r) === key(g));
      expect(mine).toHaveLength(2);
      expect(g).toMatchObject({ n: 2, ok: 2, errors: 0, native_tokens_prompt: total(mine.map((r) => r.native_tokens_prompt)), native_tokens_completion: total(mine.map((r) => r.native_tokens_completion)) });
      expect(g.cost_usd).toBeCloseTo(total(mine.map((r) => r.cost_usd)), 12);
      expect(g.latency_ms).toMatchObject({ n: 2, min: Math.min(...mine.map((r) => r.latency_ms!)), max: Math.max(...mine.map((r) => r.latency_ms!)) });
    }
    expect(written.overall.cost_usd).toBeCloseTo(total(rows.map((r) => r.cost_usd)), 12);
    const run = await readFile(ws.path('out/run.json'), 'utf8');
    expect(run).toContain('"api_key_env": "OPENROUTER_API_KEY"');
    expect(run).not.toContain(KEY);
    expect(JSON.parse(run).status).toBe('ok');
  });

  it('prints one table row per model × system prompt', () => {
    expect(stdout).toMatch(/^model\s+prompt/m);
    expect(stdout).toMatch(/^llama\s+terse/m);
    expect(stdout).toMatch(/^openai\/gpt-4o-mini\s+none/m);
  });
});

describe('failures are rows', () => {
  it('records a failed job with its kind and status, and exits 1', async () => {
    const w = await workspace({
      'suite.yaml': `
name: failing
models: [openai/gpt-4o-mini]
tasks:
  - { id: good, prompt: hello }
  - { id: bad, prompt: "hello [[mock: fault=bad_request]]" }
`,
      'agent-lab.config.yaml': FAST_CONFIG,
    });
    try {
      const env = memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
      const report = await runSuite({ suitePath: 'suite.yaml', out: 'out' }, env);
      expect(report.exitCode).toBe(1);
      const got = await readResults(w.path('out'));
      const bad = got.find((r) => r.task_id === 'bad')!;
      expect(bad).toMatchObject({ status: 'error', error_kind: 'bad_request', http_status: 400, attempts: 1, cost_usd: null });
      expect(Object.keys(bad).sort()).toEqual(Object.keys(got.find((r) => r.task_id === 'good')!).sort());
      expect(report.summary.overall.errors).toBe(1);
    } finally {
      await w.cleanup();
    }
  });

  it('keeps the cost pending, never 0, when /generation never answers', async () => {
    const w = await workspace({
      'suite.yaml': `
name: pending
models: [openai/gpt-4o-mini]
tasks:
  - { id: t, prompt: "hello [[mock: fault=generation_never]]" }
`,
      'agent-lab.config.yaml': FAST_CONFIG.replace('max_wait_ms: 5000', 'max_wait_ms: 300'),
    });
    try {
      const env = memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
      const report = await runSuite({ suitePath: 'suite.yaml', out: 'out' }, env);
      expect(report.exitCode).toBe(0);
      const [r] = await readResults(w.path('out'));
      expect(r!.cost_source).toBe('pending');
      expect(r!.cost_usd).toBeNull();
      expect(r!.native_tokens_prompt).toBeNull();
      const csv = await readFile(w.path('out/results.csv'), 'utf8');
      const rec = (parseCsv(csv, { columns: true }) as Record<string, string>[])[0]!;
      expect(rec.cost_usd).toBe('');
      expect(report.summary.overall.cost_usd).toBeNull();
      expect(env.out()).toContain('1 job(s) have no cost yet');
    } finally {
      await w.cleanup();
    }
  });

  it('says `none`, not `pending`, when /generation lookups are turned off', async () => {
    const w = await workspace({
      'suite.yaml': 'name: off\nmodels: [openai/gpt-4o-mini]\ntasks:\n  - { id: t, prompt: hello }\n',
      'agent-lab.config.yaml': FAST_CONFIG.replace('generation:\n', 'generation:\n  enabled: false\n'),
    });
    try {
      const env = memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
      const before = server.requests.length;
      const report = await runSuite({ suitePath: 'suite.yaml', out: 'out' }, env);
      const [r] = await readResults(w.path('out'));
      expect(r).toMatchObject({ status: 'ok', cost_source: 'none', cost_usd: null });
      expect(r!.cost_usage_usd).toEqual(expect.any(Number));
      expect(report.summary.overall.cost_pending).toBe(0);
      expect(env.out()).not.toContain('no cost yet');
      expect(server.requests.length - before).toBe(1);
    } finally {
      await w.cleanup();
    }
  });
});
