// Requests without streaming, end to end against the simulator: every fault mode gives the same
// status, error kind and attempt count as when streamed; a row says stream: false and has no
// first-token timing (null, never 0) but a latency and a speed over it; the one wait for the
// whole body fires on time; a streamed and a non-streamed arm of one model sit in one suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { createClient } from '../src/provider/client.js';
import { silentLogger } from '../src/log.js';
import { startMockServer, type MockRequestLog, type MockServer } from '../src/mock/server.js';
import { runSuite, type RunReport } from '../src/run/index.js';
import type { JobResult } from '../src/types/result.js';
import { readResults } from './helpers/results.js';
import { workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-no-stream-e2e-key-0123456789';
const CONFIG = `
generation: { first_delay_ms: 30, max_wait_ms: 4000 }
retry: { max_attempts: 4, base_delay_ms: 10, max_delay_ms: 40, max_retry_time_ms: 20000 }
timeouts: { connect_ms: 2000, ttft_ms: 1500, idle_ms: 400, total_ms: 8000 }
log_level: error
`;

/** Every fault the simulator plays, once clearing and once not where that differs. */
const FAULTS: [string, string][] = [
  ['plain', ''],
  ['rl_backoff', 'fault=rate_limit times=2'],
  ['rl_seconds', 'fault=rate_limit times=1 retry_after=1'],
  ['rl_reset', 'fault=rate_limit times=1 reset_ms=300'],
  ['rl_forever', 'fault=rate_limit'],
  ['s502', 'fault=server status=502 times=2'],
  ['s529_forever', 'fault=server status=529'],
  ['midstream', 'fault=midstream_error after=2 times=1'],
  ['midstream_forever', 'fault=midstream_error after=2'],
  ['reset', 'fault=reset after=2 times=1'],
  ['reset_forever', 'fault=reset after=2'],
  ['stall', 'fault=stall after=2 ms=4000 times=1'],
  ['malformed', 'fault=malformed after=2 times=1'],
  ['malformed_forever', 'fault=malformed after=2'],
  ['empty', 'fault=empty'],
  ['gen_late', 'fault=generation_delay ms=800'],
  ['gen_never', 'fault=generation_never'],
  ['cost_mismatch', 'fault=cost_mismatch'],
  ['fallback', 'fault=fallback model=x-ai/grok-4'],
  ['bad_request', 'fault=bad_request'],
];

const suiteText = (name: string, stream: boolean) =>
  `name: ${name}\nmodels: [openai/gpt-4o-mini]\nstream: ${stream}\ntasks:\n${FAULTS.map(([id, d]) => `  - { id: ${id}, prompt: "task ${id}${d ? ` [[mock: ${d}]]` : ''}" }`).join('\n')}\nparams: { max_tokens: 20 }\nconcurrency: ${FAULTS.length}\n`;

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 20, itlMs: 2, tokens: 10, generationDelayMs: 50 });
});
afterAll(() => server.close());

async function run(suite: string, options: { stream?: boolean } = {}) {
  const w = await workspace({ 'suite.yaml': suite, 'agent-lab.config.yaml': CONFIG });
  const env = memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
  const before = server.requests.length;
  try {
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'out', history: false, ...options }, env);
    return { report, rows: await readResults(w.path('out')), sent: server.requests.slice(before), out: env.out() };
  } finally {
    await w.cleanup();
  }
}

describe('every fault mode, streamed and not', () => {
  let streamed: JobResult[];
  let whole: JobResult[];
  let wholeReport: RunReport;
  let wholeSent: MockRequestLog[];
  const by = (rows: JobResult[], id: string) => rows.find((r) => r.task_id === id)!;

  beforeAll(async () => {
    // One after the other: the two runs share the simulator, whose `times=k` counts per body.
    ({ rows: streamed } = await run(suiteText('streamed', true)));
    ({ rows: whole, report: wholeReport, sent: wholeSent } = await run(suiteText('whole', false)));
  }, 60_000);

  for (const [id, directive] of FAULTS) {
    it(`${id} (${directive || 'no fault'}): the same status, error kind and attempts`, () => {
      const outcome = (r: JobResult) => [r.status, r.error_kind, r.attempts, r.attempt_log.map((a) => a.error_kind)];
      expect(outcome(by(whole, id))).toEqual(outcome(by(streamed, id)));
    });
  }

  it('covers failures of every kind a stream can have (the comparison is not of ok rows only)', () => {
    const kinds = new Set(whole.flatMap((r) => r.attempt_log.map((a) => a.error_kind)));
    expect(kinds).toEqual(new Set([null, 'bad_request', 'rate_limit', 'server', 'stream', 'timeout']));
    expect(wholeReport.summary.overall.error_kinds).toEqual({ rate_limit: 1, server: 1, stream: 3, bad_request: 1 });
  });

  it('sends no `stream` and is answered with one JSON body', () => {
    expect(wholeSent.length).toBeGreaterThan(FAULTS.length);
    expect(wholeSent.every((e) => e.stream === false)).toBe(true);
    expect(whole.every((r) => r.stream === false)).toBe(true);
    expect(streamed.every((r) => r.stream === true)).toBe(true);
  });

  it('a row has no first-token timing (null, never 0), but a latency and tokens/s over all of it', () => {
    const row = by(whole, 'plain');
    expect(row).toMatchObject({ status: 'ok', ttft_ms: null, ttfc_ms: null, itl_ms: null, tokens_completion: 10, cost_source: 'generation' });
    expect(row.output_text.length).toBeGreaterThan(0);
    expect(row.latency_ms).toBeGreaterThan(20);
    expect(row.output_tps).toBeCloseTo(10 / (row.latency_ms! / 1000), 1);
    // Same answer as the streamed one: the simulator derives it from the request.
    expect(row.output_text).toBe(by(streamed, 'plain').output_text);
    expect(by(whole, 'empty')).toMatchObject({ status: 'ok', tokens_completion: 0, output_tps: null, ttft_ms: null });
    expect(wholeReport.summary.overall.ttft_ms.n).toBe(0);
    expect(wholeReport.summary.overall.latency_ms.n).toBeGreaterThan(10);
  });

  it('looks costs up on /generation as for streams', () => {
    expect(by(whole, 'midstream')).toMatchObject({ cost_source: 'generation', cost_usd: expect.any(Number) });
    expect(by(whole, 'midstream').spent_usd).toBeGreaterThan(by(whole, 'midstream').cost_usd!);
    expect(by(whole, 'gen_late')).toMatchObject({ cost_source: 'generation' });
    expect(by(whole, 'gen_never')).toMatchObject({ cost_source: 'pending', cost_usd: null });
    expect(by(whole, 'cost_mismatch').cost_usd).toBeCloseTo(2 * by(whole, 'cost_mismatch').cost_usage_usd!, 12);
    expect(by(whole, 'fallback').model_served).toMatch(/^x-ai\/grok-4/);
    expect(wholeReport.summary.reconciliation!.model_mismatches).toBe(1);
    expect(wholeReport.summary.reconciliation!.jobs.map((j) => j.job_id)).toContain(by(whole, 'cost_mismatch').job_id);
  });

  it('says why each failure happened, in words about a whole answer', () => {
    expect(by(whole, 'midstream_forever').error_message).toMatch(/^HTTP 200 with an error in the answer 502: Provider disconnected/);
    expect(by(whole, 'malformed_forever').error_message).toMatch(/^the JSON answer is cut off or malformed/);
    expect(by(whole, 'stall').attempt_log[0]!.error_message).toMatch(/no complete answer within ttft_ms \+ idle_ms 1900 ms/);
  });
});

describe('the one wait for a whole answer', () => {
  it('fires within ±10 % of ttft_ms + idle_ms, as timeout', async () => {
    const timeouts = { connect_ms: 2000, ttft_ms: 300, idle_ms: 200, total_ms: 10_000 };
    const c = createClient({ baseUrl: server.url, apiKey: KEY, headers: {}, connections: 1, timeouts, now: () => performance.now(), logger: silentLogger });
    const t0 = performance.now();
    // The model would answer after 3 s: past the wait, though the server is silent only until then.
    const out = await c.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'slow [[mock: ttft=3000]]' }], params: { max_tokens: 5 }, stream: false });
    const waited = performance.now() - t0;
    await c.close();
    expect(out).toMatchObject({ ok: false, error_kind: 'timeout' });
    expect(waited).toBeGreaterThanOrEqual(500 * 0.9);
    expect(waited).toBeLessThanOrEqual(500 * 1.1 + 30);
  });
});

describe('a streamed and a non-streamed arm of one model in one suite', () => {
  it('are two jobs and two groups, each with its own figures', async () => {
    const suite = `name: arms
models:
  - { id: openai/gpt-4o-mini, label: streamed }
  - { id: openai/gpt-4o-mini, label: whole, stream: false, params: { temperature: 0 } }
tasks:
  - { id: a, prompt: one }
  - { id: b, prompt: two, stream: true }
params: { max_tokens: 20 }
`;
    const { report, rows, out } = await run(suite);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(4);
    // A task's own `stream: true` wins over the model's false (the arms still differ in temperature).
    expect(rows.map((r) => [r.task_id, r.model_label, r.stream]).sort()).toEqual([
      ['a', 'streamed', true],
      ['a', 'whole', false],
      ['b', 'streamed', true],
      ['b', 'whole', true],
    ]);
    const [s, w] = report.summary.groups;
    expect([s!.model_label, w!.model_label]).toEqual(['streamed', 'whole']);
    expect([s!.n, w!.n]).toEqual([2, 2]);
    expect([s!.ttft_ms.n, w!.ttft_ms.n]).toEqual([2, 1]);
    expect(out).toMatch(/^streamed .*\n^whole /m);

    // --no-stream wins over every level.
    const forced = await run(suite, { stream: false });
    expect(forced.rows.every((r) => r.stream === false && r.ttft_ms === null)).toBe(true);
  });

  it('a model listed twice that would send the same requests is refused before anything is sent', async () => {
    const before = server.requests.length;
    const suite = `name: twins\nmodels:\n  - { id: openai/gpt-4o-mini, label: one }\n  - { id: openai/gpt-4o-mini, label: two }\ntasks: [{ id: a, prompt: x }]\n`;
    await expect(run(suite)).rejects.toThrow(/Models `one` and `two` \(both openai\/gpt-4o-mini\) send the same requests for task a/);
    expect(server.requests.length).toBe(before);
  });
});
