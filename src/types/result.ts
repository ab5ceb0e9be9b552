// One row of results.jsonl: the same shape for success and failure. `null` means unknown, never zero.
import type { Params } from './job.js';

/** The closed set of reasons a job can fail; recorded on the row as `error_kind`. */
export const ERROR_KINDS = [
  'auth', // 401/403: the key is wrong for every job
  'credits', // 402: out of credits
  'rate_limit', // 429
  'bad_request', // 400/404/413/422 (e.g. an unknown model), a redirect, a 200 that is not an event stream
  'timeout', // connect, first-token, idle or total timeout
  'server', // 5xx, 408, 524, 529
  'network', // refused, reset, DNS, before the first byte
  'stream', // mid-stream error event, malformed event, reset after the first byte
  'too_large', // the response passed max_response_bytes: cancelled, never kept whole
  'budget', // not sent: the cost cap would have been crossed
  'aborted', // interrupted by the user
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The outcome of one check on one row. */
export interface CheckResult {
  /** Readable and unique within a task, e.g. `contains "Canberra"`, `max_latency_ms 2000`. */
  name: string;
  pass: boolean;
  /** Why, in a few words: what was found or measured. */
  detail: string;
}

/** `invalid`: /generation answered a record that cannot be true (a negative cost, a count that is not a number). */
export type CostSource = 'generation' | 'pending' | 'none' | 'invalid';
export type JobStatus = 'ok' | 'error' | 'skipped';

/** One attempt at a job (a retry adds one). */
export interface Attempt {
  attempt: number;
  generation_id: string | null;
  http_status: number | null;
  error_kind: ErrorKind | null;
  error_message: string | null;
  cost_usd: number | null;
  latency_ms: number | null;
}

/** One row of results.jsonl: the same shape for success and failure. */
export interface JobResult {
  run_id: string;
  job_id: string;
  task_id: string;
  model: string;
  model_label: string;
  model_served: string | null;
  provider: string | null;
  system_prompt_id: string;
  system_prompt_sha256: string;
  repeat: number;
  params: Params;
  status: JobStatus;
  error_kind: ErrorKind | null;
  error_message: string | null;
  http_status: number | null;
  attempts: number;
  attempt_log: Attempt[];
  generation_id: string | null;
  finish_reason: string | null;
  native_finish_reason: string | null;
  output_text: string;
  reasoning_text: string;
  /** `reasoning.encrypted` items seen in the stream: reasoning happened but is not readable (noted, never decoded). */
  reasoning_encrypted: number | null;
  /** Wall-clock ISO time the request was sent. */
  started_at: string;
  /** Time from dispatch until the first request reached the socket (slot, pooled connection, TCP connect). */
  queue_ms: number | null;
  ttft_ms: number | null;
  ttfc_ms: number | null;
  latency_ms: number | null;
  itl_ms: number | null;
  output_tps: number | null;
  tokens_prompt: number | null;
  tokens_completion: number | null;
  tokens_reasoning: number | null;
  native_tokens_prompt: number | null;
  native_tokens_completion: number | null;
  native_tokens_reasoning: number | null;
  native_tokens_cached: number | null;
  cost_usd: number | null;
  cost_usage_usd: number | null;
  /** Native token counts × the requested model's /models prices: what the listing says it should cost. */
  cost_estimate_usd: number | null;
  /** Sum of the cost of every attempt, the kept one included. */
  spent_usd: number | null;
  cost_source: CostSource;
  or_latency_ms: number | null;
  or_generation_time_ms: number | null;
  /** Every check of the task, evaluated on an ok row; [] when the task has none or the job did not finish ok. */
  checks: CheckResult[];
  /** All checks passed; null when the task has no checks or the job did not finish ok. */
  passed: boolean | null;
}

