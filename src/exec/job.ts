// One job: send it, retry what is worth retrying, and turn the kept attempt into a row.
// Never throws for a failed request: a failure is a row with status "error".
import type { AttemptOutcome, Client } from '../provider/client.js';
import { sleep } from '../provider/sleep.js';
import type { Attempt, ErrorKind, JobResult } from '../types/result.js';
import type { Job } from '../types/job.js';
import type { StreamResult } from '../provider/wire.js';

export interface RetryPolicy {
  max_attempts: number;
  base_delay_ms: number;
  max_delay_ms: number;
  /** Stop retrying once this much time has gone by since the first attempt. */
  max_retry_time_ms: number;
  /** Retry a stream that failed after it started (the partial attempt may be billed). */
  retry_midstream: boolean;
}

export interface JobDeps {
  client: Pick<Client, 'chat'>;
  retry: RetryPolicy;
  run_id: string;
  now: () => number;
  date: () => Date;
  random: () => number;
  /** Aborts in-flight requests and back-off waits. */
  signal?: AbortSignal;
  /** Told about each attempt's outcome (rate adaptation, logging). */
  onAttempt?: (job: Job, outcome: AttemptOutcome, attempt: number) => void;
  /** Asked before a retry once `billed` attempts may have been billed (the cost cap); false: do not retry. */
  mayRetry?: (job: Job, billed: number) => boolean;
}

/** Run one job to its final row. `queuedAt` is when it entered the queue (monotonic ms). */
export async function runJob(job: Job, deps: JobDeps, queuedAt: number): Promise<JobResult> {
  const firstSend = deps.now();
  const wallAtFirstSend = deps.date().getTime();
  const attempts: Attempt[] = [];
  let outcome: AttemptOutcome;
  let firstSentAt: number | null = null;
  for (let n = 1; ; n++) {
    outcome = await deps.client.chat({ model: job.model, messages: job.messages, params: job.params, stream: job.stream, jobId: job.job_id }, deps.signal);
    // The client's sent_at is when the request reached the socket: the wait for a slot and a
    // connection before it is queue time, never latency.
    firstSentAt ??= outcome.sent_at;
    deps.onAttempt?.(job, outcome, n);
    attempts.push({
      attempt: n,
      generation_id: outcome.stream?.generation_id ?? null,
      http_status: outcome.http_status,
      error_kind: outcome.error_kind,
      error_message: outcome.error_message,
      cost_usd: null,
      latency_ms: round(outcome.ended_at - outcome.sent_at),
      ...(outcome.unidentified ? { unidentified: true as const } : {}),
    });
    if (outcome.ok || n >= deps.retry.max_attempts || !retryable(outcome, deps.retry)) break;
    const billed = attempts.filter((a) => a.generation_id !== null).length;
    if (billed > 0 && deps.mayRetry && !deps.mayRetry(job, billed)) {
      outcome = { ...outcome, error_message: `${outcome.error_message}; not retried: another attempt's worst case would take the run past the cost cap` };
      break;
    }
    const delay = outcome.retry_after_ms ?? backoff(n, deps.retry, deps.random);
    if (deps.now() + delay - firstSend > deps.retry.max_retry_time_ms) {
      // The server's own advice past the budget: say so, or the row reads like one plain 429.
      if (outcome.retry_after_ms !== null) outcome = { ...outcome, error_message: `${outcome.error_message}; not retried: the server asked to wait ${duration(delay)}, past retry.max_retry_time_ms (${duration(deps.retry.max_retry_time_ms)})` };
      break;
    }
    if (!(await sleep(delay, deps.signal))) {
      // Interrupted while waiting to retry: the job never got its answer, so it is recorded as
      // aborted (a plain resume runs it again) rather than as the failure it was retrying.
      outcome = { ...outcome, ok: false, error_kind: 'aborted', error_message: `aborted while waiting to retry (last attempt: ${outcome.error_kind}: ${outcome.error_message})` };
      break;
    }
  }
  // started_at is the wall-clock moment the first request reached the socket, not the moment the
  // job began waiting for a connection: the same instant the latency clocks start from.
  const startedAt = new Date(wallAtFirstSend + Math.max(0, (firstSentAt ?? firstSend) - firstSend)).toISOString();
  return toRow(job, deps.run_id, outcome, attempts, round((firstSentAt ?? firstSend) - queuedAt), startedAt);
}

/** Whether an attempt's failure is worth another attempt (README "Retries"). */
export function retryable(outcome: AttemptOutcome, policy: RetryPolicy): boolean {
  const kind = outcome.error_kind;
  if (kind === 'rate_limit' || kind === 'server') return true;
  if (kind === 'network' || kind === 'timeout') return !outcome.response_started || policy.retry_midstream;
  if (kind === 'stream') return policy.retry_midstream;
  return false;
}

/** Exponential back-off with full jitter: uniform in [0, min(max, base·2^(n−1))]. */
export function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.max_delay_ms, policy.base_delay_ms * 2 ** (attempt - 1));
  return Math.round(random() * cap);
}

/** The row for a job, from its kept (last) attempt. Costs are filled in later from /generation. */
export function toRow(job: Job, runId: string, outcome: AttemptOutcome, attempts: Attempt[], queueMs: number | null, startedAt: string): JobResult {
  const s = outcome.stream;
  const usage = s?.usage ?? null;
  const completion = usage?.completion_tokens ?? null;
  // Every token in one network read (a provider that buffers the whole answer): the client saw
  // no generation at all, so a gap of 0 and a speed of tokens / (closing chunks) would be made up.
  const burst = s !== null && s.first_token_at !== null && s.first_token_at === s.last_token_at;
  const streamed = burst ? null : streamedTokens(s);
  const ttft = s?.first_token_at != null ? s.first_token_at - outcome.sent_at : null;
  const latency = outcome.ended_at - outcome.sent_at;
  const ok = outcome.ok;
  const streamedRequest = job.stream !== false;
  return {
    run_id: runId,
    job_id: job.job_id,
    job_index: job.index,
    task_id: job.task_id,
    model: job.model,
    model_label: job.model_label,
    model_served: s?.model_served ?? null,
    provider: s?.provider ?? null,
    system_prompt_id: job.system_prompt_id,
    system_prompt_sha256: job.system_prompt_sha256,
    repeat: job.repeat,
    params: job.params,
    stream: streamedRequest,
    status: ok ? 'ok' : 'error',
    error_kind: ok ? null : (outcome.error_kind as ErrorKind),
    error_message: ok ? null : outcome.error_message,
    http_status: outcome.http_status,
    attempts: attempts.length,
    attempt_log: attempts,
    generation_id: s?.generation_id ?? null,
    finish_reason: s?.finish_reason ?? null,
    native_finish_reason: s?.native_finish_reason ?? null,
    output_text: s?.content ?? '',
    reasoning_text: s?.reasoning ?? '',
    reasoning_encrypted: s ? s.reasoning_encrypted : null,
    cache_hit: false,
    started_at: startedAt,
    queue_ms: queueMs,
    ttft_ms: round(ttft),
    ttfc_ms: s?.first_content_at != null ? round(s.first_content_at - outcome.sent_at) : null,
    latency_ms: round(latency),
    itl_ms: itl(s?.first_token_at ?? null, s?.last_token_at ?? null, streamed),
    output_tps: streamedRequest ? outputTps(streamed, latency, ttft) : wholeTps(completion, latency),
    cached_started_at: null,
    cached_ttft_ms: null,
    cached_ttfc_ms: null,
    cached_latency_ms: null,
    cached_itl_ms: null,
    cached_output_tps: null,
    tokens_prompt: usage?.prompt_tokens ?? null,
    tokens_completion: completion,
    tokens_reasoning: usage?.reasoning_tokens ?? null,
    native_tokens_prompt: null,
    native_tokens_completion: null,
    native_tokens_reasoning: null,
    native_tokens_cached: null,
    cost_usd: null,
    cost_usage_usd: usage?.cost ?? null,
    cost_estimate_usd: null,
    spent_usd: null,
    cost_source: attempts.some((a) => a.generation_id) ? 'pending' : 'none',
    or_latency_ms: null,
    or_generation_time_ms: null,
    cost_cached_usd: null,
    // Filled in by checks/apply.ts once the row (and later its cost) is known.
    checks: [],
    passed: null,
    vars: job.vars,
    prompt_sha256: job.prompt_sha256,
    slo_met: null,
    tool_calls: s?.tool_calls ?? [],
    judge_cost_usd: null,
    judge_tokens_prompt: null,
    judge_tokens_completion: null,
  };
}

/**
 * The server's completion tokens that crossed the client's clock between the first and the last
 * token. Reasoning the stream never showed (`reasoning.exclude`, or only an encrypted block, as
 * Grok sends) was generated before the first token arrived: counting it would shrink itl and
 * inflate tokens/s by the thinking (REC 07: 118 hidden of 187). Null when usage is missing (a
 * count of chunks is not a count of tokens) or contradicts itself.
 */
export function streamedTokens(s: StreamResult | null): number | null {
  const completion = s?.usage?.completion_tokens ?? null;
  if (s === null || completion === null) return null;
  const hidden = s.reasoning === '' ? (s.usage?.reasoning_tokens ?? 0) : 0;
  return completion - hidden >= 0 ? completion - hidden : null;
}

/** Mean gap between tokens: (last − first) / (tokens − 1), with the server's token count. */
export function itl(first: number | null, last: number | null, tokens: number | null): number | null {
  if (first === null || last === null || tokens === null || tokens < 2) return null;
  return round((last - first) / (tokens - 1));
}

/**
 * Completion tokens per second of generation (after the first token). Unknown with fewer than
 * two tokens: after a lone token, latency − ttft is only the closing chunks, not generation.
 */
export function outputTps(tokens: number | null, latencyMs: number, ttftMs: number | null): number | null {
  if (tokens === null || ttftMs === null || tokens < 2) return null;
  const seconds = (latencyMs - ttftMs) / 1000;
  return seconds > 0 ? round(tokens / seconds) : null;
}

/** A whole (non-streamed) answer: every completion token over the whole latency, the thinking included. */
export function wholeTps(tokens: number | null, latencyMs: number): number | null {
  if (tokens === null || tokens < 1 || latencyMs <= 0) return null;
  return round(tokens / (latencyMs / 1000));
}

/** A wait as a person reads it: `45 s`, `2.5 h`, `11.6 days`. */
function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${Math.round(s * 10) / 10} s`;
  if (s < 7200) return `${Math.round(s / 6) / 10} min`;
  if (s < 172_800) return `${Math.round(s / 360) / 10} h`;
  return `${Math.round(s / 8640) / 10} days`;
}

/** Three decimals: a microsecond is the finest a timer here means. */
export function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}
