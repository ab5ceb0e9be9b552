// Issue 6, part 3: a job's clock starts when its request is handed to the socket. A request that
// waits for a pooled connection (or a TCP connect) must not report that wait as latency, and
// /generation lookups must not take the chat connections. Real loopback simulator, one connection.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../src/exec/job.js';
import { silentLogger } from '../src/log.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { createClient } from '../src/provider/client.js';
import type { Job } from '../src/types/job.js';
import { waitFor } from './helpers/wait.js';

const TTFT = 150;
let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ ttftMs: TTFT, itlMs: 0, tokens: 3, generationDelayMs: 0 });
});
afterAll(() => server.close());

const timeouts = { connect_ms: 2000, ttft_ms: 5000, idle_ms: 5000, total_ms: 10_000 };
const ask = (c: ReturnType<typeof createClient>, jobId: string) =>
  c.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `question ${jobId}` }], params: { max_tokens: 20 }, jobId });

describe('the per-attempt clock', () => {
  it('starts when the request reaches the socket, not while it waits for a connection', async () => {
    const c = createClient({ baseUrl: server.url, apiKey: null, headers: {}, connections: 1, timeouts, now: () => performance.now(), logger: silentLogger });
    try {
      // One connection: the second request waits a whole first answer (≥ 150 ms) before it is sent.
      const [first, second] = await Promise.all([ask(c, 'clock-1'), ask(c, 'clock-2')]);
      expect(first.ok && second.ok).toBe(true);
      expect(second.sent_at).toBeGreaterThanOrEqual(first.ended_at - 1);
      const log = new Map(server.requests.map((r) => [r.job, r]));
      for (const [job, outcome] of [['clock-1', first], ['clock-2', second]] as const) {
        const entry = log.get(job)!;
        const serverMs = entry.end_at! - entry.received_at;
        const clientMs = outcome.ended_at - outcome.sent_at;
        // Counting the wait would add ≥ 150 ms to the second; loopback and a busy machine add far less.
        expect(clientMs).toBeGreaterThanOrEqual(serverMs - 1);
        expect(clientMs - serverMs).toBeLessThan(TTFT / 2);
      }
    } finally {
      await c.close();
    }
  });

  it('keeps /generation lookups off the chat connections', async () => {
    const c = createClient({ baseUrl: server.url, apiKey: null, headers: {}, connections: 1, timeouts, now: () => performance.now(), logger: silentLogger });
    try {
      // A stream holds the only chat connection for ≥ 150 ms; a lookup meanwhile must not wait for it.
      const streaming = ask(c, 'clock-3');
      const entry = await waitFor(() => server.requests.find((r) => r.job === 'clock-3'), { what: 'the stream at the server' });
      const t0 = performance.now();
      const lookup = await c.generation('gen-does-not-exist');
      const lookupMs = performance.now() - t0;
      const lookupEnd = performance.timeOrigin + performance.now();
      expect(lookup.status).toBe(404);
      expect(lookupMs).toBeLessThan(TTFT - 20);
      expect((await streaming).ok).toBe(true);
      // The lookup was answered while the stream still held the connection (the simulator's clock, this process).
      expect(entry.end_at!).toBeGreaterThan(lookupEnd);
    } finally {
      await c.close();
    }
  });

  it('records the wait for a connection as queue_ms, not as latency', async () => {
    const c = createClient({ baseUrl: server.url, apiKey: null, headers: {}, connections: 1, timeouts, now: () => performance.now(), logger: silentLogger });
    const job = (id: string): Job => ({
      job_id: id, index: 0, task_id: 't', model: 'openai/gpt-4o-mini', model_label: 'mini', system_prompt_id: 'none', system_prompt: '',
      system_prompt_sha256: '', repeat: 0, messages: [{ role: 'user', content: `question ${id}` }], params: { max_tokens: 20 }, vars: {}, prompt_sha256: '',
    });
    const deps = {
      client: c,
      retry: { max_attempts: 1, base_delay_ms: 1, max_delay_ms: 1, max_retry_time_ms: 1000, retry_midstream: false },
      run_id: 'run', now: () => performance.now(), date: () => new Date(), random: () => 0,
    };
    try {
      const queuedAt = performance.now();
      const [a, b] = await Promise.all([runJob(job('queue-1'), deps, queuedAt), runJob(job('queue-2'), deps, queuedAt)]);
      expect(a.status === 'ok' && b.status === 'ok').toBe(true);
      // One of them waited a whole answer for the only connection: that is queue time.
      const [first, second] = [a, b].sort((x, y) => x.queue_ms! - y.queue_ms!);
      expect(second!.queue_ms!).toBeGreaterThanOrEqual(TTFT - 10);
      expect(second!.latency_ms!).toBeLessThan(TTFT * 1.5);
      expect(first!.queue_ms!).toBeLessThan(TTFT / 2);
    } finally {
      await c.close();
    }
  });
});
