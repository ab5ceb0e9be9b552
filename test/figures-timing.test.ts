// The timing figures of one row, edge by edge: what each is measured from, which token count it
// divides by, and which attempt it describes. The end-to-end check against the simulator's own
// clock is figures-timing-e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { runJob, streamedTokens, toRow } from '../src/exec/job.js';
import type { AttemptOutcome } from '../src/provider/client.js';
import { createStreamReader } from '../src/provider/sse.js';
import type { Job } from '../src/types/job.js';
import type { StreamResult, StreamUsage } from '../src/provider/wire.js';
import { job as makeJob } from './helpers/jobs.js';

const job: Job = makeJob({ job_id: 'j' });
const policy = { max_attempts: 4, base_delay_ms: 1, max_delay_ms: 1, max_retry_time_ms: 60_000, retry_midstream: true };

function usage(completion: number | null, reasoning: number | null = 0): StreamUsage {
  return { prompt_tokens: 10, completion_tokens: completion, total_tokens: null, reasoning_tokens: reasoning, cached_tokens: 0, cost: 0.00001 };
}

/** SSE text → StreamResult, each event arriving at its own clock time (ms). */
function streamAt(events: [number, object | '[DONE]'][]): StreamResult {
  const reader = createStreamReader();
  for (const [at, data] of events) reader.feed(`data: ${data === '[DONE]' ? data : JSON.stringify(data)}\n\n`, at);
  return reader.end();
}
const delta = (d: object, extra: object = {}) => ({ id: 'gen-1', choices: [{ index: 0, delta: d, finish_reason: null }], ...extra });
const finish = (u: StreamUsage | null) => ({ id: 'gen-1', choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }], ...(u ? { usage: wire(u) } : {}) });
const wire = (u: StreamUsage) => ({ prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, cost: u.cost, completion_tokens_details: { reasoning_tokens: u.reasoning_tokens } });

function outcome(stream: StreamResult, over: Partial<AttemptOutcome> = {}): AttemptOutcome {
  return { ok: true, http_status: 200, error_kind: null, error_message: null, retry_after_ms: null, response_started: true, stream, sent_at: 1000, ended_at: 2000, ...over };
}
const rowOf = (stream: StreamResult, over: Partial<AttemptOutcome> = {}) => toRow(job, 'run', outcome(stream, over), [], 0, 'now');

describe('what the token count of itl and tokens/s is', () => {
  it('all completion tokens when the reasoning was streamed as text (it crossed the clock)', () => {
    const s = streamAt([
      [1100, delta({ content: '', reasoning: 'think' })],
      [1500, delta({ content: 'answer' })],
      [1900, finish(usage(41, 20))],
      [1900, '[DONE]'],
    ]);
    const r = rowOf(s);
    expect([r.ttft_ms, r.ttfc_ms, r.latency_ms]).toEqual([100, 500, 1000]);
    // (1500 − 1100) / (41 − 1) and 41 / 0.9 s
    expect(r.itl_ms).toBe(10);
    expect(r.output_tps).toBeCloseTo(41 / 0.9, 3);
  });

  it('only the streamed tokens when reasoning was billed but never shown (exclude, or encrypted only)', () => {
    // Grok's shape (REC 07): one encrypted block right before the answer; the thinking happened
    // during the silence before it, so those tokens are not in the first → last token span.
    const s = streamAt([
      [1300, delta({ content: '', reasoning: null, reasoning_details: [{ type: 'reasoning.encrypted', data: 'xx' }] })],
      [1310, delta({ content: 'a' })],
      [1700, finish(usage(61, 40))],
      [1700, '[DONE]'],
    ]);
    expect(streamedTokens(s)).toBe(21);
    const r = rowOf(s);
    expect(r.tokens_completion).toBe(61);
    // (1310 − 1300) / 20, not / 60; 21 tokens / 0.7 s, not 61
    expect(r.itl_ms).toBe(0.5);
    expect(r.output_tps).toBe(30);
  });

  it('unknown when usage is missing: a count of chunks is not a count of tokens', () => {
    const s = streamAt([
      [1100, delta({ content: 'a' })],
      [1200, delta({ content: 'b' })],
      [1300, finish(null)],
      [1300, '[DONE]'],
    ]);
    const r = rowOf(s);
    expect(r.ttft_ms).toBe(100);
    expect([r.tokens_completion, r.itl_ms, r.output_tps]).toEqual([null, null, null]);
  });

  it('unknown when usage contradicts itself (more hidden reasoning than completion tokens)', () => {
    const s = streamAt([[1100, delta({ content: 'a' })], [1150, delta({ content: 'b' })], [1200, finish(usage(10, 11))], [1200, '[DONE]']]);
    expect(streamedTokens(s)).toBeNull();
    expect([rowOf(s).itl_ms, rowOf(s).output_tps]).toEqual([null, null]);
  });

  it('one completion token: no gap and no speed (latency − ttft is only the closing chunks)', () => {
    const s = streamAt([[1100, delta({ content: '4' })], [1102, finish(usage(1))], [1102, '[DONE]']]);
    const r = rowOf(s, { ended_at: 1102 });
    expect(r.ttft_ms).toBe(100);
    expect(r.itl_ms).toBeNull();
    // Without the rule: 1 token / 2 ms = 500 tokens/s, a figure no model produced.
    expect(r.output_tps).toBeNull();
  });

  it('one completion token reported while two chunks streamed: the server count rules, no speed', () => {
    const s = streamAt([[1100, delta({ content: 'fo' })], [1300, delta({ content: 'ur' })], [1400, finish(usage(1))], [1400, '[DONE]']]);
    expect([rowOf(s).itl_ms, rowOf(s).output_tps]).toEqual([null, null]);
  });

  it('every token in one network read (a buffered answer): no gap and no speed can be seen', () => {
    const reader = createStreamReader();
    const body = ['a', ' b', ' c', ' d'].map((t) => `data: ${JSON.stringify(delta({ content: t }))}\n\n`).join('');
    reader.feed(body, 1400);
    reader.feed(`data: ${JSON.stringify(finish(usage(40)))}\n\ndata: [DONE]\n\n`, 1401);
    const r = rowOf(reader.end(), { ended_at: 1402 });
    expect(r.ttft_ms).toBe(400);
    expect(r.tokens_completion).toBe(40);
    // Without the rule: itl 0 ms and 40 tokens / 2 ms = 20 000 tokens/s.
    expect([r.itl_ms, r.output_tps]).toEqual([null, null]);
  });

  it('zero tokens: ok, 0 tokens, and no ttft, itl or speed', () => {
    const s = streamAt([[1100, finish(usage(0))], [1100, '[DONE]']]);
    const r = rowOf(s);
    expect(r.tokens_completion).toBe(0);
    expect([r.ttft_ms, r.ttfc_ms, r.itl_ms, r.output_tps]).toEqual([null, null, null, null]);
    expect(r.latency_ms).toBe(1000);
  });

  it('reasoning only: ttft is the first thought, ttfc unknown', () => {
    const s = streamAt([[1200, delta({ content: '', reasoning: 'hm' })], [1400, delta({ content: '', reasoning: 'mm' })], [1500, finish(usage(3, 3))], [1500, '[DONE]']]);
    const r = rowOf(s);
    expect([r.ttft_ms, r.ttfc_ms]).toEqual([200, null]);
    expect(r.itl_ms).toBe(100);
  });

  it('a tool-call-only answer: the first token is the first tool-call fragment, there is no visible content', () => {
    const s = streamAt([
      [1250, delta({ content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] })],
      [1300, delta({ content: null, tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })],
      [1450, delta({ content: null, tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })],
      [1500, finish(usage(11))],
      [1500, '[DONE]'],
    ]);
    const r = rowOf(s);
    expect([r.ttft_ms, r.ttfc_ms]).toEqual([250, null]);
    expect(r.itl_ms).toBe(20);
    expect(s.tool_calls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
  });
});

describe('which attempt the figures describe', () => {
  it('timing from the kept attempt, started_at from the first attempt reaching the socket, queue_ms apart', async () => {
    const ok = streamAt([[5100, delta({ content: 'a' })], [5400, delta({ content: 'bcd' })], [5400, finish(usage(4))], [5400, '[DONE]']]);
    const script: AttemptOutcome[] = [
      outcome(streamAt([[170, delta({ content: 'x' })]]), { ok: false, error_kind: 'stream', error_message: 'reset', sent_at: 150, ended_at: 180 }),
      outcome(ok, { sent_at: 5000, ended_at: 5500 }),
    ];
    // The monotonic clock reads 100 at dispatch; the wall clock then reads 12:00:00.000.
    let clock = 100;
    const row = await runJob(job, {
      client: { chat: async () => script.shift()! },
      retry: policy,
      run_id: 'run',
      now: () => clock,
      date: () => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + (clock - 100)),
      random: () => 0,
    }, 40);
    clock = 6000;
    expect(row.status).toBe('ok');
    expect(row.attempts).toBe(2);
    expect([row.ttft_ms, row.latency_ms]).toEqual([100, 500]);
    expect(row.itl_ms).toBe(100);
    // The first request reached the socket 50 ms after dispatch (a connection wait): that is
    // when the job started, and the wait is queue_ms (from the queue at 40), never latency.
    expect(row.started_at).toBe('2026-01-01T12:00:00.050Z');
    expect(row.queue_ms).toBe(110);
    expect(row.attempt_log.map((a) => a.latency_ms)).toEqual([30, 500]);
  });
});
