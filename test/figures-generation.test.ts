// Polling /generation (wire reference §3.1): the first try after first_delay_ms, back-off between
// tries, a retry only on 404/408/429/5xx, never past max_wait_ms (even when the server hangs),
// and never on a chat concurrency slot. A scripted loopback server answers each try.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../src/log.js';
import { startMockServer } from '../src/mock/server.js';
import { createClient, type Client } from '../src/provider/client.js';
import { fetchGeneration } from '../src/provider/generation.js';
import { runJobs } from '../src/exec/runner.js';
import type { JobResult } from '../src/types/result.js';
import { job } from './helpers/jobs.js';

type Answer = number | 'hang';
let script: Answer[] = [];
let tries: number[] = [];
let held: ServerResponse[] = [];
let server: Server;
let client: Client;
const BODY = JSON.stringify({ data: { id: 'gen-1', total_cost: 0.00012, native_tokens_prompt: 20, native_tokens_completion: 7, latency: 300, generation_time: 800 } });

beforeAll(async () => {
  server = createServer((req, res) => {
    tries.push(performance.now());
    const answer = script.length > 1 ? script.shift()! : script[0]!;
    if (answer === 'hang') return void held.push(res);
    res.writeHead(answer, { 'content-type': 'application/json' });
    res.end(answer === 200 ? BODY : JSON.stringify({ error: { code: answer, message: 'scripted' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // A ttft_ms far above any cap here: a lookup must end at max_wait_ms, not at the client's timeouts.
  const timeouts = { connect_ms: 2000, ttft_ms: 30_000, idle_ms: 30_000, total_ms: 60_000 };
  client = createClient({ baseUrl: `http://127.0.0.1:${port}/api/v1`, apiKey: 'k', headers: {}, connections: 2, timeouts, now: () => performance.now(), logger: silentLogger });
});
afterEach(() => {
  for (const res of held) res.destroy();
  held = [];
  tries = [];
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function logger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ write: (text: string) => void lines.push(text), isTTY: false }, 'warn') };
}

async function poll(answers: Answer[], policy: { first_delay_ms: number; max_wait_ms: number }, log = silentLogger) {
  script = answers;
  const t0 = performance.now();
  const stats = await fetchGeneration(client, 'gen-1', { enabled: true, ...policy }, { now: () => performance.now(), logger: log });
  return { stats, elapsed: performance.now() - t0, at: tries.map((t) => t - t0) };
}

describe('fetchGeneration', () => {
  it('first tries after first_delay_ms, backs off while the record is not there, then returns it', async () => {
    const { stats, at } = await poll([404, 404, 200], { first_delay_ms: 100, max_wait_ms: 10_000 });
    expect(stats).toMatchObject({ id: 'gen-1', total_cost: 0.00012, native_tokens_prompt: 20, latency: 300, generation_time: 800 });
    expect(at).toHaveLength(3);
    expect(at[0]!).toBeGreaterThanOrEqual(99);
    // Doubling with a 500 ms floor: about 500 ms, then about 1000 ms between tries.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(495);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(995);
    expect(at[2]! - at[1]!).toBeLessThan(1500);
  });

  it('retries 408, 429 and 5xx like a 404', async () => {
    const first = await poll([429, 502, 200], { first_delay_ms: 0, max_wait_ms: 10_000 });
    expect([first.stats?.total_cost, first.at.length]).toEqual([0.00012, 3]);
    tries = [];
    const second = await poll([408, 200], { first_delay_ms: 0, max_wait_ms: 10_000 });
    expect([second.stats?.total_cost, second.at.length]).toEqual([0.00012, 2]);
  });

  it('does not retry a 401 (or another 4xx): one try, the cost stays pending, and it says why', async () => {
    const { lines, logger: log } = logger();
    const auth = await poll([401], { first_delay_ms: 0, max_wait_ms: 10_000 }, log);
    expect(auth.stats).toBeNull();
    expect(auth.at).toHaveLength(1);
    expect(lines.join('')).toMatch(/answered 401; its cost stays pending/);
    // Every lookup of the run would answer the same: one warning, not one per job.
    tries = [];
    await poll([401], { first_delay_ms: 0, max_wait_ms: 10_000 }, log);
    expect(lines).toHaveLength(1);
    tries = [];
    const bad = await poll([400], { first_delay_ms: 0, max_wait_ms: 10_000 });
    expect([bad.stats, bad.at.length]).toEqual([null, 1]);
  });

  it('gives up at max_wait_ms when the record never appears', async () => {
    const { stats, elapsed, at } = await poll([404], { first_delay_ms: 50, max_wait_ms: 1200 });
    expect(stats).toBeNull();
    // Tries at about 50, 550 and 1200 ms (the last sleep is cut to the cap).
    expect(at.length).toBeGreaterThanOrEqual(3);
    expect(elapsed).toBeGreaterThanOrEqual(1195);
    expect(elapsed).toBeLessThan(1200 + 1000);
  });

  it('a lookup the server never answers ends at the cap, not at the client timeouts', async () => {
    const { stats, elapsed, at } = await poll(['hang'], { first_delay_ms: 0, max_wait_ms: 1500 });
    expect(stats).toBeNull();
    expect(at).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(1490);
    expect(elapsed).toBeLessThan(1500 + 1000);
  });
});

describe('fetchGeneration and Ctrl-C', () => {
  it('an abort ends a hanging lookup at once', async () => {
    script = ['hang'];
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const t0 = performance.now();
    const stats = await fetchGeneration(client, 'gen-1', { enabled: true, first_delay_ms: 0, max_wait_ms: 10_000 }, { now: () => performance.now(), logger: silentLogger, signal: stop.signal });
    expect(stats).toBeNull();
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('cost lookups hold no chat slot', () => {
  it('at concurrency 1, the next job is sent while the last one still waits for its cost', async () => {
    const mock = await startMockServer({ ttftMs: 20, itlMs: 1, tokens: 3, generationDelayMs: 800 });
    const chat = createClient({ baseUrl: mock.url, apiKey: null, headers: {}, connections: 1, timeouts: { connect_ms: 2000, ttft_ms: 5000, idle_ms: 5000, total_ms: 10_000 }, now: () => performance.now(), logger: silentLogger });
    const costed = new Map<string, number>();
    const rows: JobResult[] = [];
    try {
      await runJobs([job({ job_id: 'a', messages: [{ role: 'user', content: 'first' }] }), job({ job_id: 'b', messages: [{ role: 'user', content: 'second' }] })], {
        client: chat,
        concurrency: 1,
        retry: { max_attempts: 1, base_delay_ms: 1, max_delay_ms: 1, max_retry_time_ms: 1000, retry_midstream: false },
        generation: { enabled: true, first_delay_ms: 50, max_wait_ms: 5000 },
        run_id: 'r', now: () => performance.now(), date: () => new Date(), random: Math.random, logger: silentLogger,
        onRow: () => {},
        onCost: (row) => (rows.push(row), costed.set(row.job_id, mock.requests.length)),
      });
      const [a, b] = [mock.requests.find((r) => r.job === 'a')!, mock.requests.find((r) => r.job === 'b')!];
      // Job b reached the server right after a's stream ended, ~800 ms before a's cost existed.
      expect(b.received_at - a.end_at!).toBeLessThan(400);
      expect(costed.get('a')).toBe(2);
      expect(rows.map((r) => r.cost_source)).toEqual(['generation', 'generation']);
    } finally {
      await chat.close();
      await mock.close();
    }
  });
});
