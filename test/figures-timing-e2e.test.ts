// The timing figures against the simulator's own clock. The real CLI runs in its own process
// (as a user runs it) at moderate concurrency; the simulator, in this process, records when each
// request arrived and when it wrote the first token, the first content and the end. Every row's
// ttft/ttfc/latency/itl/tokens-per-second must match that record within a loopback tolerance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantile } from '../src/stats/metric-stats.js';
import { startMockServer, type MockRequestLog, type MockServer } from '../src/mock/server.js';
import type { JobResult } from '../src/types/result.js';
import type { RunSummary } from '../src/types/summary.js';
import { runCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-figures-timing-0123456789';
const TTFT = 80;
const ITL = 8;
const CONTENT = 20;
const REASONING = 10;

// Three kinds of stream: plain content; reasoning streamed as text before the answer; and
// reasoning that is billed but not streamed (`exclude: true`), whose tokens never cross the
// client's clock between the first and the last token.
const SUITE = `
name: figures-timing
models:
  - openai/gpt-4o-mini
  - id: anthropic/claude-sonnet-4.5
    label: visible
  - id: deepseek/deepseek-r1
    label: hidden
    params: { reasoning: { exclude: true } }
tasks:
${Array.from({ length: 4 }, (_, i) => `  - { id: t${i}, prompt: "question ${i} [[mock: reasoning=${REASONING}]]" }`).join('\n')}
params: { max_tokens: 200 }
repeats: 4
concurrency: 12
`;

let server: MockServer;
let ws: Workspace;
let rows: JobResult[];
let summary: RunSummary;
let code: number | null;
let stderr: string;

beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: TTFT, itlMs: ITL, tokens: CONTENT, generationDelayMs: 50 });
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  ({ code, stderr } = await runCli(['run', 'suite.yaml', '--out', 'out'], { cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } }));
  rows = await readResults(ws.path('out'));
  summary = await readJson<RunSummary>(ws.path('out/summary.json'));
}, 60_000);

afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

/** Each row with the simulator's record of the same request (joined on X-Agent-Lab-Job). */
function joined(): { row: JobResult; log: MockRequestLog }[] {
  const byJob = new Map(server.requests.map((r) => [r.job, r]));
  return rows.map((row) => ({ row, log: byJob.get(row.job_id)! }));
}

/** Completion tokens that crossed the wire between the first and last token the server wrote. */
const streamed = (row: JobResult, log: MockRequestLog) => (row.model_label === 'hidden' ? log.completion_tokens - log.reasoning_tokens : log.completion_tokens);

const p50 = (values: number[]) => quantile(Float64Array.from(values).sort(), 0.5);

describe('timing figures match the server record', () => {
  it('ran every job once, ok', () => {
    expect(code, stderr).toBe(0);
    expect(rows).toHaveLength(48);
    expect(server.requests).toHaveLength(48);
    for (const { row, log } of joined()) {
      expect(log, row.job_id).toBeDefined();
      expect(row.status).toBe('ok');
      // The server's own count, not a count of chunks: usage says what was emitted.
      expect(row.tokens_completion).toBe(log.completion_tokens);
    }
  });

  it('ttft, ttfc and latency: never before the server wrote it, and within a few ms of it', () => {
    const gaps: Record<'ttft' | 'ttfc' | 'latency', number[]> = { ttft: [], ttfc: [], latency: [] };
    for (const { row, log } of joined()) {
      const server = {
        ttft: log.first_token_at! - log.received_at,
        ttfc: log.first_content_at! - log.received_at,
        latency: log.end_at! - log.received_at,
      };
      const client = { ttft: row.ttft_ms!, ttfc: row.ttfc_ms!, latency: row.latency_ms! };
      for (const k of ['ttft', 'ttfc', 'latency'] as const) {
        const gap = client[k] - server[k];
        // The client sends before the server receives and reads after the server writes, so a
        // gap well below 0 is a measuring bug (ttft at the first comment byte would be −80 ms).
        // Either process may be descheduled between an event and its clock reading on a loaded
        // 2-core machine, hence the margin.
        expect(gap, `${k} ${row.model_label}`).toBeGreaterThan(-20);
        gaps[k].push(gap);
      }
      // Thinking shows as ttfc after ttft (how long, the server-side comparison above checks).
      if (row.model_label === 'visible') expect(row.ttfc_ms!).toBeGreaterThan(row.ttft_ms!);
      else expect(row.ttfc_ms).toBe(row.ttft_ms);
    }
    for (const k of ['ttft', 'ttfc', 'latency'] as const) {
      // Loopback adds well under a millisecond; the rest is a busy 2-core machine's scheduling.
      // A systematic error (a clock started early, a token taken late) moves the median; a lone
      // outlier is a descheduled process, bounded loosely.
      // A clean CI run once saw one 130 ms outlier among 48 with the median at ~1 ms: the p90
      // bound catches an error that affects many jobs, the loose max only a runaway clock.
      const sorted = Float64Array.from(gaps[k]).sort();
      const [mid, p90, worst] = [quantile(sorted, 0.5), quantile(sorted, 0.9), sorted[sorted.length - 1]!];
      expect(mid, `${k}: median gap ${mid} ms`).toBeLessThan(5);
      expect(mid, `${k}: median gap ${mid} ms`).toBeGreaterThan(-2);
      expect(p90, `${k}: p90 gap ${p90} ms`).toBeLessThan(25);
      expect(worst, `${k}: worst gap ${worst} ms`).toBeLessThan(300);
    }
  });

  it('itl and tokens/s use the tokens that were streamed between the first and the last token', () => {
    const err: Record<string, { itl: number[]; tps: number[] }> = {};
    for (const { row, log } of joined()) {
      const n = streamed(row, log);
      const spanMs = log.end_at! - log.first_token_at!;
      const e = (err[row.model_label] ??= { itl: [], tps: [] });
      e.itl.push(Math.abs(row.itl_ms! - spanMs / (n - 1)) / (spanMs / (n - 1)));
      e.tps.push(Math.abs(row.output_tps! - n / (spanMs / 1000)) / (n / (spanMs / 1000)));
    }
    expect(Object.keys(err).sort()).toEqual(['hidden', 'openai/gpt-4o-mini', 'visible']);
    for (const [label, e] of Object.entries(err)) {
      // Counting the hidden reasoning tokens puts every hidden row off by a third (itl) or a half
      // (tokens/s): 20 streamed tokens vs 30. Timing noise is a few per cent on a busy machine.
      expect(p50(e.itl), `${label}: itl median relative error`).toBeLessThan(0.05);
      expect(p50(e.tps), `${label}: tokens/s median relative error`).toBeLessThan(0.05);
    }
  });

  it('the summary is the statistics of those rows', () => {
    const g = summary.groups.find((x) => x.model_label === 'hidden')!;
    const values = rows.filter((r) => r.model_label === 'hidden').map((r) => r.output_tps!);
    expect(g.output_tps.n).toBe(16);
    expect(g.output_tps.p50).toBeCloseTo(p50(values), 2);
    // 20 content tokens, 8 ms apart: about 1000 / 8 tokens a second once the answer flows.
    expect(g.output_tps.p50!).toBeGreaterThan(100);
    expect(g.output_tps.p50!).toBeLessThan(150);
  });
});

describe('a retried job', () => {
  // Each job's first attempt fails after 3 tokens (billed, retried); the second answers.
  const RETRY = `
name: figures-retry
models: [openai/gpt-4o-mini]
tasks:
${Array.from({ length: 4 }, (_, i) => `  - { id: r${i}, prompt: "retry ${i} [[mock: fault=midstream_error times=1 after=3]]" }`).join('\n')}
params: { max_tokens: 100 }
concurrency: 4
`;
  let retried: JobResult[];
  beforeAll(async () => {
    await ws.write('retry.yaml', RETRY);
    const exit = await runCli(['run', 'retry.yaml', '--out', 'retry'], { cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
    expect(exit.code, exit.stderr).toBe(0);
    retried = await readResults(ws.path('retry'));
  }, 60_000);

  it('times the kept attempt, and started when the first attempt was sent', () => {
    expect(retried).toHaveLength(4);
    for (const row of retried) {
      const [first, kept] = server.requests.filter((r) => r.job === row.job_id).sort((a, b) => a.attempt - b.attempt);
      expect([row.status, row.attempts, first!.fault, kept!.fault]).toEqual(['ok', 2, 'midstream_error', null]);
      expect(row.generation_id).toBe(kept!.generation_id);
      const gap = row.latency_ms! - (kept!.end_at! - kept!.received_at);
      // The same margins as above: a busy machine may deschedule either process for a while.
      expect(gap).toBeGreaterThan(-20);
      expect(gap).toBeLessThan(100);
      expect(row.ttft_ms! - (kept!.first_token_at! - kept!.received_at)).toBeLessThan(100);
      // Wall clocks of two processes: started_at is the first attempt (≥ 80 ms before the second).
      expect(Math.abs(Date.parse(row.started_at) - first!.received_at)).toBeLessThan(40);
      expect(kept!.received_at - Date.parse(row.started_at)).toBeGreaterThan(TTFT - 20);
    }
  });
});
