// Every attempt that reached the provider may be billed, so each keeps its generation id and its
// cost stays on the books: an attempt aborted before its first chunk, and the attempts of rows a
// resume replaced (compaction keeps one row per job, never less money).
import { appendFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { createClient } from '../src/provider/client.js';
import { withEarlierAttempts } from '../src/store/carry.js';
import { COSTS_FILE, RESULTS_FILE } from '../src/store/journal.js';
import { finalRows } from '../src/store/journal-read.js';
import type { Attempt } from '../src/types/result.js';
import { row } from './helpers/rows.js';
import { waitFor } from './helpers/wait.js';
import { workspace } from './helpers/workspace.js';

const attempt = (n: number, id: string | null, cost: number | null, kind: Attempt['error_kind'] = null): Attempt => ({
  attempt: n,
  generation_id: id,
  http_status: id ? 200 : 429,
  error_kind: kind,
  error_message: kind,
  cost_usd: cost,
  latency_ms: 5,
});

describe('an attempt aborted before its first chunk', () => {
  let server: MockServer;
  beforeAll(async () => {
    // No keep-alive comment: the headers go out alone, and the first chunk is 5 s away.
    server = await startMockServer({ ttftMs: 5000, commentLines: 0 });
  });
  afterAll(() => server.close());

  it('keeps the generation id from the X-Generation-Id header, so its cost can be looked up', async () => {
    // The headers come at once, the first chunk in 5 s: the 400 ms first-token timeout ends the
    // attempt long after the client has read the headers (an abort at that point takes the same path).
    const client = createClient({ baseUrl: server.url, apiKey: 'k', headers: {}, connections: 1, timeouts: { connect_ms: 2000, ttft_ms: 400, idle_ms: 10_000, total_ms: 20_000 }, now: () => performance.now(), logger: silentLogger });
    const outcome = await client.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], params: { max_tokens: 20 } });
    await client.close();
    expect(outcome.error_kind).toBe('timeout');
    await waitFor(() => server.billing().generations === 1, { what: 'the simulator to bill the cut-off stream' });
    expect(outcome.stream?.generation_id).toBe(server.requests[0]!.generation_id);
    expect(outcome.unidentified).toBeUndefined();
  });

  it('an abort with nothing naming the generation marks the attempt unidentified (maybe billed, never known)', async () => {
    const client = createClient({ baseUrl: server.url, apiKey: 'k', headers: {}, connections: 1, timeouts: { connect_ms: 2000, ttft_ms: 10_000, idle_ms: 10_000, total_ms: 20_000 }, now: () => performance.now(), logger: silentLogger });
    const abort = new AbortController();
    const from = server.requests.length;
    // The simulator reads the whole body before it answers: abort once it has the request.
    const pending = client.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(50) }], params: { max_tokens: 20 } }, abort.signal);
    await waitFor(() => server.requests.length > from, { what: 'the request at the simulator' });
    abort.abort();
    const outcome = await pending;
    await client.close();
    expect(outcome.error_kind).toBe('aborted');
    // Either the headers had arrived (the id is kept) or nothing named it (unidentified): never neither.
    expect(outcome.stream?.generation_id ?? (outcome.unidentified ? 'unidentified' : null)).not.toBeNull();
  });
});

describe('withEarlierAttempts', () => {
  it('puts the billed attempts of replaced rows in front, numbered again, and sums spent_usd over all', () => {
    const final = row({ attempts: 1, attempt_log: [attempt(1, 'gen-3', 0.3)], spent_usd: 0.3, cost_usd: 0.3, generation_id: 'gen-3' });
    // The first run: a 429 (not billed), then a stream aborted by SIGTERM; the second: aborted too.
    const earlier = [attempt(1, null, null, 'rate_limit'), attempt(2, 'gen-1', 0.1, 'aborted'), attempt(1, 'gen-2', 0.2, 'aborted')];
    const carried = withEarlierAttempts(final, earlier);
    expect(carried.attempt_log.map((a) => [a.attempt, a.generation_id])).toEqual([[1, 'gen-1'], [2, 'gen-2'], [3, 'gen-3']]);
    expect(carried.attempts).toBe(3);
    expect(carried.spent_usd).toBeCloseTo(0.6, 12);
    // The kept attempt's own figures are untouched.
    expect(carried).toMatchObject({ cost_usd: 0.3, generation_id: 'gen-3' });
  });

  it('leaves spent_usd unknown while a carried attempt has no cost, and never counts an attempt twice', () => {
    const final = row({ attempt_log: [attempt(1, 'gen-1', 0.1), attempt(2, 'gen-3', 0.3)], spent_usd: 0.4, generation_id: 'gen-3' });
    const carried = withEarlierAttempts(final, [attempt(1, 'gen-1', 0.1), attempt(1, 'gen-2', null, 'aborted')]);
    expect(carried.attempt_log.map((a) => a.generation_id)).toEqual(['gen-2', 'gen-1', 'gen-3']);
    expect(carried.spent_usd).toBeNull();
    expect(withEarlierAttempts(final, [attempt(1, 'gen-1', 0.1)])).toBe(final);
  });
});

describe('finalRows', () => {
  it("carries a replaced row's billed attempts, with the cost its record found, into the job's last row", async () => {
    const w = await workspace();
    try {
      const first = row({ job_id: 'j', started_at: '2026-01-01T00:00:00.000Z', status: 'error', error_kind: 'aborted', attempt_log: [attempt(1, 'gen-1', null, 'aborted')], generation_id: 'gen-1', cost_usd: null, spent_usd: null, cost_source: 'pending' });
      const other = row({ job_id: 'k', started_at: '2026-01-01T00:00:00.500Z', attempt_log: [attempt(1, 'gen-9', 0.9)], generation_id: 'gen-9', spent_usd: 0.9 });
      const second = row({ job_id: 'j', started_at: '2026-01-01T00:00:01.000Z', attempt_log: [attempt(1, 'gen-2', 0.2)], generation_id: 'gen-2', cost_usd: 0.2, spent_usd: 0.2 });
      await writeFile(w.path(RESULTS_FILE), [first, other, second].map((r) => `${JSON.stringify(r)}\n`).join(''));
      // The aborted attempt's cost, found by a later resume.
      await appendFile(w.path(COSTS_FILE), `${JSON.stringify({ job_id: 'j', started_at: first.started_at, attempt_log: [attempt(1, 'gen-1', 0.1, 'aborted')], cost_usd: 0.1, spent_usd: 0.1, cost_source: 'generation' })}\n`);
      const rows = [];
      for await (const r of finalRows(w.dir)) rows.push(r);
      expect(rows.map((r) => r.job_id)).toEqual(['k', 'j']);
      expect(rows[1]!.attempt_log.map((a) => [a.generation_id, a.cost_usd])).toEqual([['gen-1', 0.1], ['gen-2', 0.2]]);
      expect(rows[1]!.spent_usd).toBeCloseTo(0.3, 12);
      expect(rows[0]!.spent_usd).toBe(0.9);
    } finally {
      await w.cleanup();
    }
  });
});
