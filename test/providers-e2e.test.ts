// Providers as an axis (issue 18 part 3): `providers: [a, b]` becomes one arm per provider, each
// pinned with provider.only and no fallbacks; every run breaks its figures down by the provider
// that served each job. The simulator serves llama through DeepInfra (slow, half price) and Groq
// (fast, listed price), and answers a pin to a provider that does not serve the model with a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { runSuite } from '../src/run/index.js';
import { createAggregator } from '../src/stats/aggregate.js';
import { routeProvider } from '../src/mock/endpoints.js';
import { findModel } from '../src/mock/catalog.js';
import { startMockServer } from '../src/mock/server.js';
import { parseEndpointsBody } from '../src/models/endpoints.js';
import type { RunSummary } from '../src/types/summary.js';
import { readJson, readResults } from './helpers/results.js';
import { row } from './helpers/rows.js';
import { runCli } from './helpers/cli.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const LLAMA = 'meta-llama/llama-3.1-8b-instruct';
const tasks = (n: number) => Array.from({ length: n }, (_, i) => `  - { id: t${i}, prompt: Question number ${i}? }`).join('\n');

const PINNED = `
name: pinned
models:
  - { id: ${LLAMA}, label: llama, providers: [deepinfra, groq] }
tasks:
${tasks(3)}
repeats: 2
params: { max_tokens: 30, provider: { sort: price } }
`;

const UNPINNED = `
name: unpinned
models:
  - ${LLAMA}
tasks:
${tasks(8)}
  - { id: broken, prompt: "[[mock: fault=bad_request]] Fail." }
params: { max_tokens: 20 }
`;

describe('providers as an axis (simulator)', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace({ 'pinned.yaml': PINNED, 'unpinned.yaml': UNPINNED, 'agent-lab.config.yaml': FAST_CONFIG });
  });
  afterAll(() => ws.cleanup());

  it('runs one pinned arm per provider, each its own group with its own speed and cost', async () => {
    const report = await runSuite({ suitePath: 'pinned.yaml', out: 'pinned', mock: true, history: false }, memoryEnv({ cwd: ws.dir }));
    expect(report.exitCode).toBe(0);
    const rows = await readResults(ws.path('pinned'));
    expect(rows).toHaveLength(12);
    const of = (label: string) => rows.filter((r) => r.model_label === label);
    for (const [label, slug, served] of [['llama@deepinfra', 'deepinfra', 'DeepInfra'], ['llama@groq', 'groq', 'Groq']] as const) {
      const arm = of(label);
      expect(arm).toHaveLength(6);
      for (const r of arm) {
        expect(r.model).toBe(LLAMA);
        // The pin goes over the suite's provider params, which are kept beside it.
        expect(r.params.provider).toEqual({ sort: 'price', only: [slug], allow_fallbacks: false });
        expect(r.provider).toBe(served);
        expect(r.status).toBe('ok');
      }
    }
    // The pin is part of what a job sends, so the two arms' jobs never share an id.
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(12);

    const summary = await readJson<RunSummary>(ws.path('pinned/summary.json'));
    const [deepinfra, groq] = summary.groups;
    expect([deepinfra!.model_label, groq!.model_label]).toEqual(['llama@deepinfra', 'llama@groq']);
    expect(groq!.ttft_ms.p50!).toBeLessThan(deepinfra!.ttft_ms.p50!);
    expect(groq!.output_tps.p50!).toBeGreaterThan(deepinfra!.output_tps.p50!);
    // Same answers (the simulator's text depends on the model and the prompt, not the host), half the price.
    expect(deepinfra!.native_tokens_completion).toBe(groq!.native_tokens_completion);
    expect(deepinfra!.cost_usd!).toBeCloseTo(groq!.cost_usd! / 2, 12);
    expect(Object.keys(deepinfra!.by_provider!)).toEqual(['DeepInfra']);
    expect(deepinfra!.by_provider!.DeepInfra!.n).toBe(6);
    expect(Object.keys(summary.overall.by_provider!)).toEqual(['DeepInfra', 'Groq']);
    expect(summary.overall.by_provider!.Groq!.ttft_ms.p50).toBe(groq!.ttft_ms.p50);
 
    // OpenRouter's own figures per arm: prices always, latency and throughput only with a key (--mock sends none).
    expect(summary.endpoints).toEqual({
      'llama@deepinfra': { tag: 'deepinfra', provider_name: 'DeepInfra', pricing: { prompt: '0.00000001', completion: '0.000000025' }, latency_last_30m: null, throughput_last_30m: null },
      'llama@groq': { tag: 'groq', provider_name: 'Groq', pricing: { prompt: '0.00000002', completion: '0.00000005' }, latency_last_30m: null, throughput_last_30m: null },
    });
  });

  it("shows OpenRouter's own per-endpoint figures beside the measured ones when the key gets them; --no-preflight asks for none", async () => {
    const KEY = 'sk-or-v1-providers-endpoints-0000';
    const server = await startMockServer({ apiKey: KEY, generationDelayMs: 0 });
    try {
      const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY } });
      const report = await runSuite({ suitePath: 'pinned.yaml', out: 'keyed', baseUrl: server.url, history: false }, env);
      expect(report.exitCode).toBe(0);
      const groq = report.summary.endpoints!['llama@groq']!;
      expect(groq.latency_last_30m).toEqual({ p50: 90, p75: 108, p90: 135, p99: 180 });
      expect(groq.throughput_last_30m!.p50).toBe(333);
      expect(report.summary.endpoints!['llama@deepinfra']!.throughput_last_30m!.p50).toBe(63);
      expect(env.out()).toContain("OpenRouter's own figures for llama@groq (Groq, last 30 min): latency p50 90 (unit as reported), throughput p50 333 tok/s");
      const bare = await runSuite({ suitePath: 'pinned.yaml', out: 'bare', baseUrl: server.url, history: false, preflight: false }, memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY } }));
      expect(bare.summary.endpoints).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('plans each arm on a row of its own, the model on its total row', async () => {
    const out = await runCli(['plan', 'pinned.yaml', '--mock'], { cwd: ws.dir });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^llama@deepinfra +default +6 /m);
    expect(out.stdout).toMatch(/^llama@groq +default +6 /m);
    expect(out.stdout).toMatch(/^meta-llama\/llama-3\.1-8b-instruct \(all\) +12 /m);
  });

  it('breaks an unpinned run down by the provider that served each job; a failed one is `unknown`', async () => {
    const out = await runCli(['run', 'unpinned.yaml', '--mock', '--out', 'unpinned', '--no-history'], { cwd: ws.dir });
    expect(out.code).toBe(1);
    const rows = await readResults(ws.path('unpinned'));
    const summary = await readJson<RunSummary>(ws.path('unpinned/summary.json'));
    const group = summary.groups[0]!;
    const parts = group.by_provider!;
    const served = new Set(rows.map((r) => r.provider ?? 'unknown'));
    expect(Object.keys(parts).sort()).toEqual([...served].sort());
    expect(Object.keys(parts).at(-1)).toBe('unknown');
    expect(parts.unknown).toMatchObject({ n: 1, ok: 0, errors: 1, error_kinds: { bad_request: 1 } });
    expect(parts.unknown!.latency_ms.n).toBe(0);
    expect(Object.keys(parts).length).toBeGreaterThanOrEqual(3);
    for (const [name, part] of Object.entries(parts)) expect(part.n).toBe(rows.filter((r) => (r.provider ?? 'unknown') === name).length);
    // The parts add up to the group, value for value.
    expect(Object.values(parts).reduce((n, p) => n + p.ttft_ms.n, 0)).toBe(group.ttft_ms.n);
    expect(Object.values(parts).reduce((s, p) => s + (p.cost_usd ?? 0), 0)).toBeCloseTo(group.cost_usd!, 12);
    // The table shows a line per provider under the group.
    for (const name of Object.keys(parts)) expect(out.stdout).toContain(`↳ ${name}`);
  });

  it('a pin to a provider that does not serve the model fails its jobs with the 404, and nothing else', async () => {
    await ws.write('wrong.yaml', `name: wrong\nmodels:\n  - { id: mock/echo, providers: [groq, mock] }\ntasks:\n  - { id: a, prompt: Hello }\n`);
    const report = await runSuite({ suitePath: 'wrong.yaml', out: 'wrong', mock: true, history: false }, memoryEnv({ cwd: ws.dir }));
    expect(report.exitCode).toBe(1);
    const rows = await readResults(ws.path('wrong'));
    const groq = rows.find((r) => r.model_label === 'mock/echo@groq')!;
    expect(groq).toMatchObject({ status: 'error', error_kind: 'bad_request', http_status: 404, attempts: 1, provider: null });
    expect(groq.error_message).toContain('No allowed providers are available for the selected model');
    expect(rows.find((r) => r.model_label === 'mock/echo@mock')).toMatchObject({ status: 'ok', provider: 'Mock' });
  });

  it('a provider listed twice is a suite error before anything is sent', async () => {
    await ws.write('twice.yaml', `name: twice\nmodels:\n  - { id: ${LLAMA}, providers: [groq, groq] }\ntasks:\n  - { id: a, prompt: Hello }\n`);
    const out = await runCli(['run', 'twice.yaml', '--mock', '--out', 'twice', '--no-history'], { cwd: ws.dir });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/twice\.yaml:3.*providers.*each provider once/s);
  });
});

describe('by_provider (pure)', () => {
  it('splits every figure by provider without keeping a second copy of the values', () => {
    const agg = createAggregator();
    agg.add(row({ provider: 'A', ttft_ms: 100, cost_usd: 0.001 }));
    agg.add(row({ provider: 'B', ttft_ms: 300, cost_usd: 0.003 }));
    agg.add(row({ provider: 'A', ttft_ms: 200, cost_usd: 0.002 }));
    const summary = agg.finish({ run_id: 'r', suite: 's', started_at: '', finished_at: '', status: 'ok' });
    const g = summary.groups[0]!;
    expect(g.ttft_ms).toMatchObject({ n: 3, p50: 200 });
    expect(g.by_provider!.A).toMatchObject({ n: 2, ok: 2, cost_usd: 0.003, ttft_ms: { n: 2, mean: 150 } });
    expect(g.by_provider!.B).toMatchObject({ n: 1, cost_usd: 0.003, ttft_ms: { n: 1, p50: 300 } });
    expect(summary.overall.by_provider!.A!.ttft_ms).toMatchObject({ n: 2, mean: 150 });
    expect(g.by_provider!.A).not.toHaveProperty('model');
  });
});

describe('the simulator routes pinned requests', () => {
  const llama = findModel(LLAMA)!;
  it('serves a pinned request at that endpoint, and an unpinned one as before', () => {
    expect(routeProvider(llama, {})).toEqual({ model: llama });
    const groq = routeProvider(llama, { provider: { only: ['nope', 'Groq'] } });
    expect('model' in groq && groq.model).toMatchObject({ providers: ['Groq'], ttft_ms: 90 });
    // `order` pins too once fallbacks are off.
    expect(routeProvider(llama, { provider: { order: ['deepinfra'], allow_fallbacks: false } })).toMatchObject({ model: { providers: ['DeepInfra'] } });
    expect(routeProvider(llama, { provider: { order: ['deepinfra'] } })).toEqual({ model: llama });
    const missing = routeProvider(llama, { provider: { only: ['azure'] } });
    expect(missing).toMatchObject({ status: 404 });
    expect(JSON.parse((missing as { body: string }).body)).toEqual({
      error: { code: 404, message: 'No allowed providers are available for the selected model.', metadata: { available_providers: ['deepinfra', 'groq', 'together'], requested_providers: ['azure'] } },
    });
  });
});

describe('parseEndpointsBody', () => {
  it('keeps what OpenRouter gave, as given, and drops what it cannot read', () => {
    const body = {
      data: {
        endpoints: [
          { tag: 'a', provider_name: 'A', pricing: { prompt: '0.1', completion: '0.2' }, latency_last_30m: { p50: 0.43, p75: null, p90: 'x', p99: 1 }, throughput_last_30m: null },
          { provider_name: 'no tag' },
          { tag: 'b', latency_last_30m: { p50: null }, throughput_last_30m: 12 },
          'junk',
        ],
      },
    };
    expect(parseEndpointsBody(body)).toEqual([
      { tag: 'a', provider_name: 'A', pricing: { prompt: '0.1', completion: '0.2' }, latency_last_30m: { p50: 0.43, p75: null, p90: null, p99: 1 }, throughput_last_30m: null },
      { tag: 'b', provider_name: null, pricing: null, latency_last_30m: null, throughput_last_30m: null },
    ]);
    expect(parseEndpointsBody({ data: [] })).toEqual([]);
    expect(parseEndpointsBody(null)).toEqual([]);
  });
});
