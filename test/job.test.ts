import { describe, expect, it } from 'vitest';
import { backoff, itl, outputTps, retryable, runJob, toRow } from '../src/exec/job.js';
import type { AttemptOutcome, ChatRequest } from '../src/provider/client.js';
import { retryAfterFromMetadata, retryAfterMs } from '../src/provider/retry-after.js';
import type { Job } from '../src/types/job.js';
import type { StreamResult } from '../src/provider/wire.js';

const policy = { max_attempts: 4, base_delay_ms: 100, max_delay_ms: 1000, max_retry_time_ms: 60_000, retry_midstream: true };

const job: Job = {
  job_id: 'j1', index: 0, task_id: 't', model: 'm/x', model_label: 'x', system_prompt_id: 'p', system_prompt: '',
  system_prompt_sha256: 's', repeat: 0, messages: [{ role: 'user', content: 'hi' }], params: { max_tokens: 5 }, vars: { lang: 'French' }, prompt_sha256: 'p-sha',
};

function stream(overrides: Partial<StreamResult> = {}): StreamResult {
  return {
    generation_id: 'gen-1', model_served: 'm/x-1', provider: 'P', content: 'hello world', reasoning: '', reasoning_encrypted: 0,
    tool_calls: [], finish_reason: 'stop', native_finish_reason: 'stop',
    usage: { prompt_tokens: 4, completion_tokens: 11, total_tokens: 15, reasoning_tokens: 0, cached_tokens: 0, cost: 0.0001 },
    error: null, malformed: null, done: true, events: 12, first_token_at: 1100, first_content_at: 1150, last_token_at: 1600, ...overrides,
  };
}
function outcome(overrides: Partial<AttemptOutcome> = {}): AttemptOutcome {
  return { ok: true, http_status: 200, error_kind: null, error_message: null, retry_after_ms: null, response_started: true, stream: stream(), sent_at: 1000, ended_at: 2100, ...overrides };
}

describe('timing arithmetic', () => {
  it('derives ttft, ttfc, latency, itl and tokens/s from the server token count', () => {
    const r = toRow(job, 'run', outcome(), [], 3, 'now');
    expect(r.ttft_ms).toBe(100);
    expect(r.ttfc_ms).toBe(150);
    expect(r.latency_ms).toBe(1100);
    // (1600 − 1100) / (11 − 1)
    expect(r.itl_ms).toBe(50);
    // 11 tokens / ((1100 − 100) ms / 1000)
    expect(r.output_tps).toBe(11);
    expect(r.tokens_completion).toBe(11);
    expect(r.cost_usage_usd).toBe(0.0001);
    expect(r.cost_usd).toBeNull();
    expect(r.cost_source).toBe('none');
  });
  it('leaves what cannot be known as null', () => {
    expect(itl(1, 2, 1)).toBeNull();
    expect(itl(1, 2, null)).toBeNull();
    expect(outputTps(null, 100, 10)).toBeNull();
    expect(outputTps(5, 100, 100)).toBeNull();
    const r = toRow(job, 'run', outcome({ stream: stream({ usage: null, first_token_at: null, first_content_at: null }) }), [], 0, 'now');
    expect([r.ttft_ms, r.itl_ms, r.output_tps, r.tokens_completion]).toEqual([null, null, null, null]);
  });
});

describe('retry policy', () => {
  it('retries 429, 5xx, and network errors before the first byte; never 4xx auth/credits/bad request', () => {
    expect(retryable(outcome({ ok: false, error_kind: 'rate_limit' }), policy)).toBe(true);
    expect(retryable(outcome({ ok: false, error_kind: 'server' }), policy)).toBe(true);
    expect(retryable(outcome({ ok: false, error_kind: 'network', response_started: false }), policy)).toBe(true);
    for (const kind of ['auth', 'credits', 'bad_request', 'aborted'] as const) {
      expect(retryable(outcome({ ok: false, error_kind: kind }), policy)).toBe(false);
    }
    expect(retryable(outcome({ ok: false, error_kind: 'stream' }), policy)).toBe(true);
    expect(retryable(outcome({ ok: false, error_kind: 'stream' }), { ...policy, retry_midstream: false })).toBe(false);
    expect(retryable(outcome({ ok: false, error_kind: 'timeout', response_started: true }), { ...policy, retry_midstream: false })).toBe(false);
  });
  it('backs off exponentially with full jitter, capped', () => {
    expect(backoff(1, policy, () => 1)).toBe(100);
    expect(backoff(3, policy, () => 1)).toBe(400);
    expect(backoff(10, policy, () => 1)).toBe(1000);
    expect(backoff(3, policy, () => 0.5)).toBe(200);
    expect(backoff(3, policy, () => 0)).toBe(0);
  });
  it('parses Retry-After as seconds or an HTTP date, and X-RateLimit-Reset as epoch ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
    expect(retryAfterMs({ 'x-ratelimit-reset': String(now + 1500) }, now)).toBe(1500);
    expect(retryAfterMs({ 'x-ratelimit-reset': String(now / 1000 + 3) }, now)).toBe(3000);
    expect(retryAfterMs({}, now)).toBeNull();
  });
  it('falls back to the rate-limit headers OpenRouter echoes in error.metadata.headers', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const metadata = { headers: { 'X-RateLimit-Limit': '20', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(now + 2500) } };
    expect(retryAfterFromMetadata(metadata, now)).toBe(2500);
    expect(retryAfterFromMetadata({ headers: { 'X-RateLimit-Reset': now + 700 } }, now)).toBe(700);
    expect(retryAfterFromMetadata({ provider_name: 'Google', raw: 'rate-limited upstream' }, now)).toBeNull();
    expect(retryAfterFromMetadata(null, now)).toBeNull();
  });
});

describe('runJob', () => {
  it('retries a retryable failure, honouring Retry-After, and logs every attempt', async () => {
    const script = [
      outcome({ ok: false, http_status: 429, error_kind: 'rate_limit', error_message: 'slow down', retry_after_ms: 30, stream: null }),
      outcome({ ok: false, http_status: 200, error_kind: 'stream', error_message: 'mid-stream error', stream: stream({ generation_id: 'gen-a' }) }),
      outcome({ stream: stream({ generation_id: 'gen-b' }) }),
    ];
    const sent: ChatRequest[] = [];
    let clock = 0;
    const start = Date.now();
    const row = await runJob(job, {
      client: { chat: async (req) => (sent.push(req), script.shift()!) },
      retry: { ...policy, base_delay_ms: 1 },
      run_id: 'run', now: () => clock++, date: () => new Date(), random: () => 0,
    }, 0);
    expect(Date.now() - start).toBeGreaterThanOrEqual(25);
    expect(sent).toHaveLength(3);
    expect(sent[0]!.jobId).toBe('j1');
    expect(row.status).toBe('ok');
    expect(row.attempts).toBe(3);
    expect(row.attempt_log.map((a) => [a.error_kind, a.generation_id])).toEqual([['rate_limit', null], ['stream', 'gen-a'], [null, 'gen-b']]);
    expect(row.generation_id).toBe('gen-b');
    expect(row.cost_source).toBe('pending');
  });
  it('stops at max_attempts and records the last failure as the row', async () => {
    let calls = 0;
    const row = await runJob(job, {
      client: { chat: async () => (calls++, outcome({ ok: false, http_status: 503, error_kind: 'server', error_message: 'down', stream: null })) },
      retry: { ...policy, max_attempts: 3, base_delay_ms: 1 },
      run_id: 'run', now: () => 0, date: () => new Date(), random: () => 0,
    }, 0);
    expect(calls).toBe(3);
    expect(row.status).toBe('error');
    expect(row.error_kind).toBe('server');
    expect(row.http_status).toBe(503);
    expect(row.output_text).toBe('');
  });
  it('an abort during the wait before a retry ends the job as aborted, keeping the real attempt', async () => {
    const controller = new AbortController();
    let calls = 0;
    // A wait well inside max_retry_time_ms (60 s): at exactly the cap, a millisecond spent on the
    // attempt itself would make the job give up instead of waiting, and the test would be a coin toss.
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const row = await runJob(job, {
      client: { chat: async () => (calls++, outcome({ ok: false, http_status: 429, error_kind: 'rate_limit', error_message: 'slow down', retry_after_ms: 30_000, stream: null })) },
      retry: policy, run_id: 'run', now: () => Date.now(), date: () => new Date(), random: () => 0, signal: controller.signal,
    }, 0);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(calls).toBe(1);
    expect(row).toMatchObject({ status: 'error', error_kind: 'aborted', http_status: 429, attempts: 1 });
    expect(row.error_message).toMatch(/waiting to retry.*rate_limit/);
    expect(row.attempt_log[0]!.error_kind).toBe('rate_limit');
  });

  it('gives up at once when the server asks for a wait past max_retry_time_ms', async () => {
    let calls = 0;
    const row = await runJob(job, {
      client: { chat: async () => (calls++, outcome({ ok: false, http_status: 429, error_kind: 'rate_limit', error_message: 'daily cap', retry_after_ms: 3_600_000, stream: null })) },
      retry: policy, run_id: 'run', now: () => Date.now(), date: () => new Date(), random: () => 0,
    }, 0);
    expect(calls).toBe(1);
    expect(row).toMatchObject({ status: 'error', error_kind: 'rate_limit', attempts: 1 });
  });

  it('does not retry a 401', async () => {
    let calls = 0;
    const row = await runJob(job, {
      client: { chat: async () => (calls++, outcome({ ok: false, http_status: 401, error_kind: 'auth', error_message: 'bad key', stream: null })) },
      retry: policy, run_id: 'run', now: () => 0, date: () => new Date(), random: () => 0,
    }, 0);
    expect(calls).toBe(1);
    expect(row.error_kind).toBe('auth');
  });
});
