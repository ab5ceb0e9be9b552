// The money figures: which attempt's /generation answer becomes cost_usd, what spent_usd adds
// up, when a cost is pending or none, and that a total of unknowns is unknown (null, '-', an
// empty cell) everywhere it is shown — while a free model's real 0 stays 0.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { applyGeneration, sum } from '../src/exec/costs.js';
import { memoryEnv } from '../src/env.js';
import { historyEntry } from '../src/history/history.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { parseGenerationBody } from '../src/provider/generation-parse.js';
import { renderSummaryTable } from '../src/render/table.js';
import { runSuite } from '../src/run/index.js';
import type { Attempt, JobResult } from '../src/types/result.js';
import type { GenerationStats } from '../src/provider/wire.js';
import type { RunSummary } from '../src/types/summary.js';
import { readJson, readJsonl } from './helpers/results.js';
import { row } from './helpers/rows.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const meta = { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' as const };

function attempt(n: number, generation_id: string | null, over: Partial<Attempt> = {}): Attempt {
  return { attempt: n, generation_id, http_status: 200, error_kind: null, error_message: null, cost_usd: null, latency_ms: 10, ...over };
}
function stats(id: string, total_cost: number | null, over: Partial<GenerationStats> = {}): GenerationStats {
  return {
    id, total_cost, native_tokens_prompt: 12, native_tokens_completion: 7, native_tokens_reasoning: 0, native_tokens_cached: 0,
    tokens_prompt: 10, tokens_completion: 6, latency: 300, generation_time: 900, provider_name: 'P', model: 'm', finish_reason: 'stop', native_finish_reason: 'stop', ...over,
  };
}
/** A row as job.ts leaves it (costs not yet known), with the given attempts; the last is kept. */
function uncosted(attempts: Attempt[]): JobResult {
  const kept = attempts[attempts.length - 1]!;
  return row({
    attempts: attempts.length, attempt_log: attempts, generation_id: kept.generation_id,
    status: kept.error_kind ? 'error' : 'ok', error_kind: kept.error_kind,
    native_tokens_prompt: null, native_tokens_completion: null, native_tokens_reasoning: null, native_tokens_cached: null,
    cost_usd: null, spent_usd: null, cost_estimate_usd: null, or_latency_ms: null, or_generation_time_ms: null,
    cost_source: attempts.some((a) => a.generation_id) ? 'pending' : 'none',
  });
}
const billedFailure = attempt(1, 'gen-a', { error_kind: 'stream', error_message: 'mid-stream error' });

describe('applyGeneration: the kept attempt, every attempt, and what is unknown', () => {
  it('cost_usd and native tokens from the kept attempt; spent_usd adds the billed failure, in exact decimals', () => {
    const r = applyGeneration(uncosted([billedFailure, attempt(2, 'gen-b')]), new Map([['gen-a', stats('gen-a', 0.1)], ['gen-b', stats('gen-b', 0.2, { native_tokens_prompt: 99 })]]));
    expect(r).toMatchObject({ cost_usd: 0.2, spent_usd: 0.3, cost_source: 'generation', native_tokens_prompt: 99, or_latency_ms: 300, or_generation_time_ms: 900 });
    expect(r.attempt_log.map((a) => a.cost_usd)).toEqual([0.1, 0.2]);
  });

  it('the failed attempt answered, the kept one not (yet): cost pending, never the other attempt\'s figures', () => {
    const r = applyGeneration(uncosted([billedFailure, attempt(2, 'gen-b')]), new Map([['gen-a', stats('gen-a', 0.1)], ['gen-b', null]]));
    expect(r).toMatchObject({ cost_usd: null, cost_source: 'pending', native_tokens_prompt: null, or_latency_ms: null });
    // A total that misses an attempt is not passed off as what was spent.
    expect(r.spent_usd).toBeNull();
    expect(r.attempt_log.map((a) => a.cost_usd)).toEqual([0.1, null]);
  });

  it('the kept answer is known but a billed failure is not: cost known, spent unknown', () => {
    const r = applyGeneration(uncosted([billedFailure, attempt(2, 'gen-b')]), new Map([['gen-a', null], ['gen-b', stats('gen-b', 0.2)]]));
    expect(r).toMatchObject({ cost_usd: 0.2, cost_source: 'generation', spent_usd: null });
  });

  it('a kept attempt that never streamed (a final 429 after a billed failure): nothing pending, spent is the failure', () => {
    const rejected = attempt(2, null, { http_status: 429, error_kind: 'rate_limit', error_message: 'slow down' });
    const r = applyGeneration(uncosted([billedFailure, rejected]), new Map([['gen-a', stats('gen-a', 0.00004)]]));
    expect(r.cost_usd).toBeNull();
    expect(r.cost_source).toBe('none');
    expect(r.spent_usd).toBe(0.00004);
    // …so the summary does not wait forever for a cost that cannot come.
    expect(summarize([r], meta).overall.cost_pending).toBe(0);
  });

  it('a free model costs a real 0, which stays 0', () => {
    const r = applyGeneration(uncosted([attempt(1, 'gen-f')]), new Map([['gen-f', stats('gen-f', 0)]]));
    expect(r).toMatchObject({ cost_usd: 0, spent_usd: 0, cost_source: 'generation' });
    const s = summarize([r], meta).overall;
    expect([s.cost_usd, s.spent_usd, s.cost_pending]).toEqual([0, 0, 0]);
  });

  it('a /generation body without a cost leaves the cost pending, and its other fields unknown rather than 0', () => {
    const parsed = parseGenerationBody({ data: { id: 'gen-x', total_cost: null, usage: null, latency: 120 } })!;
    expect(parsed).toMatchObject({ total_cost: null, native_tokens_prompt: null, latency: 120 });
    const r = applyGeneration(uncosted([attempt(1, 'gen-x')]), new Map([['gen-x', parsed]]));
    expect(r).toMatchObject({ cost_usd: null, cost_source: 'pending', spent_usd: null, native_tokens_prompt: null, or_latency_ms: 120 });
  });
});

describe('sums of money', () => {
  it('are exact decimals: no float noise, and no tiny amount rounded away to 0', () => {
    expect(sum([0.1, 0.2])).toBe(0.3);
    expect(sum(Array.from({ length: 10 }, () => 0.0000004))).toBe(0.000004);
    expect(sum([4e-13])).toBe(4e-13);
    expect(sum([])).toBe(0);
  });

  it('group totals are exact too', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row({ job_id: `j${i}`, cost_usd: 0.0000001, spent_usd: 0.0000001 }));
    const s = summarize(rows, meta).overall;
    // 1000 × 1e-7, which added one by one in floats drifts off 1e-4.
    expect(s.cost_usd).toBe(0.0001);
    expect(s.spent_usd).toBe(0.0001);
  });
});

describe('summary totals', () => {
  it('a group whose costs and native counts are all unknown shows null, not 0', () => {
    const pending = row({ model: 'p', model_label: 'P', cost_usd: null, spent_usd: null, cost_source: 'pending', native_tokens_prompt: null, native_tokens_completion: null, native_tokens_reasoning: null });
    const known = row({ model: 'k', model_label: 'K', cost_usd: 0.002, native_tokens_prompt: 12, native_tokens_completion: 6 });
    const s = summarize([pending, { ...pending, job_id: 'p2' }, known], meta);
    const g = s.groups.find((x) => x.model === 'p')!;
    expect(g).toMatchObject({ cost_usd: null, spent_usd: null, cost_pending: 2, native_tokens_prompt: null, native_tokens_completion: null, native_tokens_reasoning: null });
    // Overall: totals over the known values, with the count of pending ones.
    expect(s.overall).toMatchObject({ cost_usd: 0.002, cost_pending: 2, native_tokens_prompt: 12, native_tokens_completion: 6 });
    expect(historyEntry(s, { suite_sha256: null, dir: 'd', mock: true }).groups.find((x) => x.model === 'p')).toMatchObject({ cost_usd: null, native_tokens_prompt: null, native_tokens_completion: null });
    const line = renderSummaryTable(s).split('\n').find((l) => l.startsWith('P '))!;
    expect(line).toMatch(/\s-\s+\?$/);
  });

  it('errored jobs stay out of timing but their billed tokens and cost count in the totals', () => {
    const ok = row({ ttft_ms: 100, cost_usd: 0.001, native_tokens_completion: 5 });
    const failed = row({ job_id: 'f', status: 'error', error_kind: 'stream', ttft_ms: 5000, cost_usd: 0.0005, native_tokens_completion: 3 });
    const s = summarize([ok, failed], meta).overall;
    expect(s.ttft_ms).toMatchObject({ n: 1, max: 100 });
    expect(s.cost_usd).toBe(0.0015);
    expect(s.native_tokens_completion).toBe(8);
  });
});

describe('runs against the simulator: unknown everywhere it is shown, a free 0 kept', () => {
  const KEY = 'sk-or-v1-figures-costs-0123456789';
  let server: MockServer;
  let ws: Workspace;
  const summaries: Record<string, RunSummary> = {};
  const stdout: Record<string, string> = {};
  // One run whose /generation records never appear, one on the free echo model (prices "0").
  const suite = (name: string, model: string, fault: string) => `
name: ${name}
models: [${model}]
tasks:
  - { id: a, prompt: "one two three ${fault}" }
  - { id: b, prompt: "four five six ${fault}" }
params: { max_tokens: 20 }
`;
  beforeAll(async () => {
    server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, tokens: 5, generationDelayMs: 20 });
    ws = await workspace({
      'never.yaml': suite('never', 'openai/gpt-4o-mini', '[[mock: fault=generation_never]]'),
      'free.yaml': suite('free', 'mock/echo', ''),
      'agent-lab.config.yaml': FAST_CONFIG.replace('max_wait_ms: 5000', 'max_wait_ms: 400'),
    });
    for (const name of ['never', 'free']) {
      const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
      const report = await runSuite({ suitePath: `${name}.yaml`, out: name, history: ws.path('history.jsonl') }, env);
      expect(report.exitCode).toBe(0);
      summaries[name] = await readJson<RunSummary>(ws.path(`${name}/summary.json`));
      stdout[name] = env.out();
    }
  }, 30_000);
  afterAll(async () => {
    await server.close();
    await ws.cleanup();
  });

  it('summary.json: null for the run with no cost, 0 for the free one', () => {
    expect(summaries.never!.overall).toMatchObject({ cost_usd: null, spent_usd: null, cost_pending: 2, native_tokens_prompt: null, native_tokens_completion: null });
    const free = summaries.free!.overall;
    expect([free.cost_usd, free.spent_usd, free.cost_pending]).toEqual([0, 0, 0]);
    expect(free.native_tokens_completion).toBeGreaterThan(0);
  });

  it('the table, results.csv, report.html and the history line say unknown, not 0', async () => {
    expect(stdout.never!.split('\n').find((l) => l.startsWith('openai/gpt-4o-mini '))).toMatch(/\s-\s+\?\s*$/);
    expect(stdout.free!.split('\n').find((l) => l.startsWith('mock/echo '))).toMatch(/\s0\s*$/);
    const csv = (name: string) => parseCsv(readFileSync(ws.path(`${name}/results.csv`), 'utf8'), { columns: true }) as Record<string, string>[];
    // Two tasks a run: one CSV record each.
    expect(csv('never').map((rec) => [rec.cost_usd, rec.spent_usd, rec.native_tokens_prompt, rec.cost_source])).toEqual(Array(2).fill(['', '', '', 'pending']));
    expect(csv('free').map((rec) => [rec.cost_usd, rec.spent_usd, rec.cost_source])).toEqual(Array(2).fill(['0', '0', 'generation']));
    const html = await readFile(ws.path('never/report.html'), 'utf8');
    const at = html.indexOf('data-group="openai/gpt-4o-mini|');
    const neverRow = html.slice(at, html.indexOf('</tr>', at));
    expect(neverRow).toContain('data-field="native_tokens" data-value="">-<');
    expect(neverRow).toContain('data-field="cost_usd" data-value="">?<');
    const entries = await readJsonl<ReturnType<typeof historyEntry>>(ws.path('history.jsonl'));
    expect(entries.map((e) => e.suite)).toEqual(['never', 'free']);
    expect(entries[0]!.groups[0]).toMatchObject({ cost_usd: null, native_tokens_prompt: null, native_tokens_completion: null });
    expect(entries[1]!.groups[0]!.cost_usd).toBe(0);
  });
});
