// A whole run through every fault the simulator can play, with the real client, runner and
// writers. Each job must end with the right status, error kind and attempt count; retries
// must wait what the server asked (measured on the simulator's own request log); the run must
// not crash and must lose no row. Then the run-level stops and rate adaptation.
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { AgentLabError, EXIT } from '../src/errors.js';
import { startMockServer, type MockRequestLog, type MockServer } from '../src/mock/server.js';
import { runSuite, type RunReport } from '../src/run/index.js';
import type { JobResult } from '../src/types/result.js';
import { readJson, readResults } from './helpers/results.js';
import { workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-faults-e2e-key-0123456789';
const IDLE_MS = 400;
const CONFIG = `
generation: { first_delay_ms: 30, max_wait_ms: 4000 }
retry: { max_attempts: 4, base_delay_ms: 10, max_delay_ms: 40, max_retry_time_ms: 20000 }
timeouts: { connect_ms: 2000, ttft_ms: 3000, idle_ms: ${IDLE_MS}, total_ms: 8000 }
log_level: warn
`;

/** task id → directive, expected status, error kind, attempts. */
const CASES: [string, string, 'ok' | 'error', string | null, number][] = [
  ['plain', '', 'ok', null, 1],
  ['rl_backoff', 'fault=rate_limit times=2', 'ok', null, 3],
  ['rl_seconds', 'fault=rate_limit times=1 retry_after=1', 'ok', null, 2],
  ['rl_date', 'fault=rate_limit times=1 retry_after_date=1', 'ok', null, 2],
  ['rl_reset', 'fault=rate_limit times=1 reset_ms=800', 'ok', null, 2],
  ['rl_forever', 'fault=rate_limit', 'error', 'rate_limit', 4],
  ['s500', 'fault=server status=500 times=1', 'ok', null, 2],
  ['s502', 'fault=server status=502 times=2', 'ok', null, 3],
  ['s503', 'fault=server status=503 times=1', 'ok', null, 2],
  ['s503_forever', 'fault=server status=503', 'error', 'server', 4],
  ['midstream', 'fault=midstream_error after=2 times=1', 'ok', null, 2],
  ['midstream_forever', 'fault=midstream_error after=2', 'error', 'stream', 4],
  ['reset', 'fault=reset after=2 times=1', 'ok', null, 2],
  ['stall', 'fault=stall after=2 ms=5000 times=1', 'ok', null, 2],
  ['malformed', 'fault=malformed after=2 times=1', 'ok', null, 2],
  ['empty', 'fault=empty', 'ok', null, 1],
  ['gen_late', 'fault=generation_delay ms=1500', 'ok', null, 1],
  ['gen_never', 'fault=generation_never', 'ok', null, 1],
  ['bad_request', 'fault=bad_request', 'error', 'bad_request', 1],
];

function suiteText(name: string, tasks: [string, string][], concurrency: number): string {
  const lines = tasks.map(([id, directive]) => `  - { id: ${id}, prompt: "task ${id}${directive ? ` [[mock: ${directive}]]` : ''}" }`);
  return `name: ${name}\nmodels: [openai/gpt-4o-mini]\ntasks:\n${lines.join('\n')}\nparams: { max_tokens: 20 }\nconcurrency: ${concurrency}\n`;
}

async function run(server: MockServer, suite: string, key = KEY) {
  const w = await workspace({ 'suite.yaml': suite, 'agent-lab.config.yaml': CONFIG });
  const env = memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: key, OPENROUTER_BASE_URL: server.url } });
  const sentBefore = server.requests.length;
  try {
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'out' }, env);
    const rows = await readResults(w.path('out'));
    const runJson = await readJson(w.path('out/run.json'));
    return { report, rows, runJson, sent: server.requests.slice(sentBefore), out: env.out(), err: env.err() };
  } finally {
    await w.cleanup();
  }
}

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 20, itlMs: 2, tokens: 10, generationDelayMs: 50 });
});
afterAll(() => server.close());

describe('a run through every fault', () => {
  let report: RunReport;
  let rows: JobResult[];
  let sent: MockRequestLog[];
  const byTask = (id: string) => rows.find((r) => r.task_id === id)!;
  /** The simulator's log entries for one task's job, in arrival order. */
  const attemptsOf = (id: string) => sent.filter((e) => e.job === byTask(id).job_id);

  beforeAll(async () => {
    ({ report, rows, sent } = await run(server, suiteText('faults', CASES.map(([id, d]) => [id, d]), CASES.length)));
  }, 30_000);

  it('loses no row and does not crash: one row per job, exit 1 for the jobs that failed', () => {
    expect(rows).toHaveLength(CASES.length);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(CASES.length);
    expect(report.status).toBe('ok');
    expect(report.exitCode).toBe(1);
    expect(report.summary.overall).toMatchObject({ n: CASES.length, ok: 15, errors: 4 });
    expect(report.summary.overall.error_kinds).toEqual({ rate_limit: 1, server: 1, stream: 1, bad_request: 1 });
  });

  for (const [id, directive, status, kind, attempts] of CASES) {
    it(`${id} (${directive || 'no fault'}) → ${status}${kind ? ` ${kind}` : ''}, ${attempts} attempt(s)`, () => {
      const row = byTask(id);
      expect([row.status, row.error_kind, row.attempts]).toEqual([status, kind, attempts]);
      expect(row.attempt_log).toHaveLength(attempts);
      // What the client counted is what the server saw: no attempt invented, none hidden.
      expect(attemptsOf(id)).toHaveLength(attempts);
      if (status === 'error') expect(row.error_message).toBeTruthy();
    });
  }

  it('records every attempt with its kind, status and generation id', () => {
    expect(byTask('s502').attempt_log.map((a) => [a.error_kind, a.http_status])).toEqual([['server', 502], ['server', 502], [null, 200]]);
    const mid = byTask('midstream').attempt_log;
    expect(mid[0]).toMatchObject({ error_kind: 'stream', http_status: 200, generation_id: expect.stringMatching(/^gen-/) });
    expect(mid[1]!.generation_id).not.toBe(mid[0]!.generation_id);
    expect(byTask('reset').attempt_log[0]!.error_kind).toBe('stream');
    expect(byTask('malformed').attempt_log[0]!.error_message).toMatch(/malformed/);
    expect(byTask('rl_forever')).toMatchObject({ http_status: 429, cost_usd: null, output_text: '' });
  });

  it('counts the billed failed attempt in spent_usd, and only the kept answer in cost_usd', () => {
    const row = byTask('midstream');
    expect(row.cost_source).toBe('generation');
    const [failed, kept] = row.attempt_log;
    expect(failed!.cost_usd).toBeGreaterThan(0);
    expect(row.cost_usd).toBe(kept!.cost_usd);
    expect(row.spent_usd).toBeCloseTo(failed!.cost_usd! + kept!.cost_usd!, 12);
  });

  it('waits what Retry-After (seconds or HTTP date) and X-RateLimit-Reset ask, measured on the server', () => {
    const gap = (id: string) => {
      const [first, second] = attemptsOf(id);
      return second!.received_at - first!.end_at!;
    };
    // The lower bounds are the contract; the upper ones catch waiting far too long.
    expect(gap('rl_seconds')).toBeGreaterThanOrEqual(990);
    expect(gap('rl_seconds')).toBeLessThan(1700);
    // An HTTP date has whole seconds (rounded up by the simulator): 1 to 2 s.
    expect(gap('rl_date')).toBeGreaterThanOrEqual(990);
    expect(gap('rl_date')).toBeLessThan(2700);
    expect(gap('rl_reset')).toBeGreaterThanOrEqual(780);
    expect(gap('rl_reset')).toBeLessThan(1500);
    // Without advice: exponential back-off with full jitter, capped at max_delay_ms (40 ms).
    const backoff = attemptsOf('rl_backoff');
    expect(backoff).toHaveLength(3);
    for (let i = 1; i < backoff.length; i++) expect(backoff[i]!.received_at - backoff[i - 1]!.end_at!).toBeLessThan(600);
  });

  it('records a stalled stream as timeout (idle_ms), then retries it', () => {
    const [stalled] = byTask('stall').attempt_log;
    expect(stalled!.error_kind).toBe('timeout');
    expect(stalled!.error_message).toMatch(/idle_ms/);
  });

  it('a zero-token answer is ok with 0 tokens and no made-up speed', () => {
    expect(byTask('empty')).toMatchObject({ output_text: '', tokens_completion: 0, ttft_ms: null, itl_ms: null, output_tps: null });
  });

  it('waits out a late /generation, and leaves a missing one pending (never 0)', () => {
    expect(byTask('gen_late')).toMatchObject({ cost_source: 'generation', cost_usd: expect.any(Number) });
    expect(byTask('gen_never')).toMatchObject({ cost_source: 'pending', cost_usd: null, native_tokens_prompt: null });
    expect(report.summary.overall.cost_pending).toBe(1);
  });
});

const many = (n: number, directive = '') => Array.from({ length: n }, (_, i): [string, string] => [`t${i}`, directive]);

describe('a stalled stream', () => {
  it('is aborted and recorded as timeout within ±10 % of idle_ms', async () => {
    // A run of its own: in the big run above, 18 other jobs share the event loop and the timing
    // would measure the load as much as the timer.
    const { rows, sent } = await run(server, suiteText('stall', [['stall_alone', 'fault=stall after=2 ms=5000 times=1']], 1));
    const [stalled, kept] = rows[0]!.attempt_log;
    expect([stalled!.error_kind, kept!.error_kind, rows[0]!.status]).toEqual(['timeout', null, 'ok']);
    // The attempt's latency is ttft + 2 tokens (2 ms apart) + the silence the client tolerated.
    const entry = sent[0]!;
    const silence = stalled!.latency_ms! - (entry.first_token_at! - entry.received_at) - 2;
    expect(silence).toBeGreaterThanOrEqual(IDLE_MS * 0.9);
    expect(silence).toBeLessThanOrEqual(IDLE_MS * 1.1 + 50);
  });
});

describe('run-level stops', () => {

  it('a wrong key stops dispatch at once: one message, not a row per job', async () => {
    const { report, rows, sent, err } = await run(server, suiteText('auth', many(30), 3), 'sk-or-v1-not-the-right-key-000');
    // Only what was in flight when the first 401 came back.
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThanOrEqual(3);
    expect(rows.length).toBe(sent.length);
    expect(rows.every((r) => r.error_kind === 'auth' && r.attempts === 1)).toBe(true);
    expect(report).toMatchObject({ status: 'stopped', exitCode: 1 });
    expect(err.match(/refused the key/g)).toHaveLength(1);
    expect(err).toContain('resume with: agent-lab resume out');
  });

  it('after the key is fixed, a plain resume runs every job, the refused ones included', async () => {
    const w = await workspace({ 'suite.yaml': suiteText('fixed', many(12), 3), 'agent-lab.config.yaml': CONFIG });
    try {
      const envWith = (key: string) => memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: key, OPENROUTER_BASE_URL: server.url } });
      const refused = await runSuite({ suitePath: 'suite.yaml', out: 'out' }, envWith('sk-or-v1-not-the-right-key-000'));
      expect(refused.status).toBe('stopped');
      const before = server.requests.length;
      const resumed = await runSuite({ suitePath: 'suite.yaml', resume: 'out' }, envWith(KEY));
      expect(resumed).toMatchObject({ status: 'ok', exitCode: 0 });
      expect(server.requests.length - before).toBe(12);
      expect(resumed.summary.overall).toMatchObject({ n: 12, ok: 12, errors: 0 });
    } finally {
      await w.cleanup();
    }
  });

  it('an endpoint that refuses every connection stops the run after max(8, 2 × concurrency) jobs, and resume runs them', async () => {
    const w = await workspace({ 'suite.yaml': suiteText('down', many(60), 2), 'agent-lab.config.yaml': CONFIG.replace('max_attempts: 4', 'max_attempts: 2') });
    try {
      // Port 9 (discard) on loopback: nothing listens, every connect is refused at once.
      const down = memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1' } });
      // No preflight: it would refuse to start against a dead endpoint; this is the network
      // going away after the start.
      const report = await runSuite({ suitePath: 'suite.yaml', out: 'out', preflight: false }, down);
      expect(report).toMatchObject({ status: 'stopped', exitCode: 1 });
      // 8 in a row trip it; the ones already in flight (concurrency 2) end too.
      expect(report.summary.overall.n).toBeGreaterThanOrEqual(8);
      expect(report.summary.overall.n).toBeLessThanOrEqual(10);
      expect(report.summary.overall.error_kinds).toEqual({ network: report.summary.overall.n });
      expect(down.err()).toMatch(/could not be reached by the last 8 jobs in a row .*ECONNREFUSED/);
      // They never reached the API: a plain resume, pointed at the right place, runs them.
      const up = memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
      const resumed = await runSuite({ suitePath: 'suite.yaml', resume: 'out' }, up);
      expect(resumed).toMatchObject({ status: 'ok', exitCode: 0 });
      expect(resumed.summary.overall).toMatchObject({ n: 60, ok: 60 });
    } finally {
      await w.cleanup();
    }
  });

  it('out of credits stops dispatch likewise', async () => {
    const { report, sent, err } = await run(server, suiteText('credits', many(30, 'fault=credits'), 2));
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(sent.every((e) => e.status === 402)).toBe(true);
    expect(report.status).toBe('stopped');
    expect(err).toMatch(/out of credits \(HTTP 402\)/);
  });
});

describe('a disk that fills up during the run', () => {
  it.skipIf(!existsSync('/dev/full'))('stops sending jobs, says so, and does not crash', async () => {
    const w = await workspace({ 'suite.yaml': suiteText('full', many(20), 2), 'agent-lab.config.yaml': CONFIG });
    try {
      // Every write to /dev/full fails with ENOSPC, as on a full disk; the folder itself is fine.
      await mkdir(w.path('out'));
      await symlink('/dev/full', w.path('out/results.jsonl'));
      const env = memoryEnv({ cwd: w.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
      const before = server.requests.length;
      const error = await runSuite({ suitePath: 'suite.yaml', out: 'out' }, env).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(AgentLabError);
      expect((error as AgentLabError).exitCode).toBe(EXIT.jobs_failed);
      expect((error as Error).message).toMatch(/Could not write the results to out \(.*ENOSPC.*\); no new jobs were sent after that.*agent-lab resume out/);
      expect(env.err()).toMatch(/cannot write results\.jsonl/);
      // Only what was in flight when the first row could not be written.
      expect(server.requests.length - before).toBeLessThanOrEqual(6);
    } finally {
      await w.cleanup();
    }
  });
});

describe('rate adaptation', () => {
  it('lowers concurrency on 429s, never exceeds the limit, and reports how often it throttled', async () => {
    const tasks = Array.from({ length: 24 }, (_, i): [string, string] => [`r${i}`, 'fault=rate_limit times=1 retry_after=0']);
    const { report, rows, sent, out, runJson } = await run(server, suiteText('aimd', tasks, 8));
    expect(rows).toHaveLength(24);
    expect(rows.every((r) => r.status === 'ok' && r.attempts === 2)).toBe(true);
    expect(report.summary.throttles).toBeGreaterThanOrEqual(1);
    expect(runJson.throttles).toBe(report.summary.throttles);
    expect(out).toContain(`rate limited: concurrency was lowered ${report.summary.throttles} time(s) after 429s`);
    // The server's view: never more than 8 requests open at once.
    const events = sent.flatMap((e) => [[e.received_at, 1], [e.end_at!, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    let peak = 0;
    for (const [, d] of events) peak = Math.max(peak, (open += d));
    expect(peak).toBeLessThanOrEqual(8);
  });

  it('a clean run reports no throttling', async () => {
    const { report, out } = await run(server, suiteText('clean', many(4), 4));
    expect(report.summary.throttles).toBe(0);
    expect(out).not.toContain('rate limited');
  });
});
