// One row of results.jsonl: the same shape for success and failure. `null` means unknown, never zero.
import type { Params, Vars } from './job.js';
import type { ToolCall } from '../provider/wire.js';

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

/** `skipped`: never sent (the cost cap). */
export const JOB_STATUSES = ['ok', 'error', 'skipped'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Where cost_usd comes from: `pending` = /generation never answered; `none` = no cost can come; `invalid` = /generation answered a record that cannot be true (a negative cost, a count that is not a number); `cache` = answered from the response cache (cost_usd 0, the original cost in cost_cached_usd). */
export const COST_SOURCES = ['generation', 'pending', 'none', 'invalid', 'cache'] as const;
export type CostSource = (typeof COST_SOURCES)[number];

/** The outcome of one check on one row. */
export interface CheckResult {
  /** Readable and unique within a task, e.g. `contains "Canberra"`, `max_latency_ms 2000`. */
  name: string;
  /** The answer met the check. */
  pass: boolean;
  /** Why, in a few words: what was found or measured. */
  detail: string;
  /** A judge's verdict: `error` when it could not give one (HTTP failure, unparsable reply); then `pass` is false and the row's `passed` never counts it. Absent for deterministic checks. */
  verdict?: 'pass' | 'fail' | 'error';
  /** The judge's score 0..1; null when it gave none. Absent for deterministic checks. */
  score?: number | null;
  /** The judge check's pass threshold. */
  threshold?: number | null;
  /** The judge's reason, in its words (or why it gave no verdict). */
  reason?: string | null;
  /** What this verdict cost (the judge's /generation total_cost); null when unknown. */
  cost_usd?: number | null;
  /** A pairwise check: this answer against the other column's, both orders asked. */
  outcome?: 'win' | 'tie' | 'loss';
  /** A pairwise check: the column it was compared with. */
  against?: string;
}

/** One attempt at a job (a retry adds one). */
export interface Attempt {
  /** 1-based. */
  attempt: number;
  /** The stream's generation id; null when no stream started. */
  generation_id: string | null;
  /** HTTP status of the response; null when none came (network error, timeout before headers). */
  http_status: number | null;
  /** Why this attempt failed; null when it succeeded. */
  error_kind: ErrorKind | null;
  /** Why, in words; null when it succeeded. */
  error_message: string | null;
  /** /generation's total_cost for this attempt, USD; null when unknown. */
  cost_usd: number | null;
  /** Request on the socket → end of this attempt's stream, ms. */
  latency_ms: number | null;
  /** Present when the attempt was aborted after its request reached the API but before anything named its generation: it may be billed, and no lookup can say how much. */
  unidentified?: true;
}

/** One row of results.jsonl: the same shape for success and failure. Field order is the row's (a contract). */
export interface JobResult {
  // identity: what was asked
  /** The run that produced the row (a resume keeps the run's id). */
  run_id: string;
  /** Stable hash of task, model, system prompt, params and repeat: joins rows across runs. */
  job_id: string;
  /** Position in the suite's matrix (0-based: task by task, then model, system prompt, repeat); sorts rows back to suite order. */
  job_index: number;
  /** The suite task's id. */
  task_id: string;
  /** Model slug as requested. */
  model: string;
  /** Display label from the suite (defaults to the slug). */
  model_label: string;
  /** The model that answered: the chunks' `model`, often a dated slug; null when no chunk came. */
  model_served: string | null;
  /** Provider that served it (from the stream, then /generation); null when unknown. */
  provider: string | null;
  /** The system prompt arm's id (`default` when the suite has none). */
  system_prompt_id: string;
  /** sha256 of the system prompt text, so an edited prompt shows. */
  system_prompt_sha256: string;
  /** 0-based repeat index. */
  repeat: number;
  /** Request params as sent (always includes max_tokens). */
  params: Params;
  /** Streamed (true), or sent without `stream` and read as one JSON answer (false): then ttft, ttfc and itl are null. */
  stream: boolean;

  // outcome
  /** ok, error, or skipped (not sent: the cost cap). */
  status: JobStatus;
  /** Why the job failed; null when ok. */
  error_kind: ErrorKind | null;
  /** The failure in words (server text, timeout name); null when ok. */
  error_message: string | null;
  /** HTTP status of the kept attempt; null when no response came. */
  http_status: number | null;
  /** Attempts made, retries included; 0 when never sent (skipped). After a resume, also the billed attempts of the job's replaced rows. */
  attempts: number;
  /** Each attempt: status, kind, generation id, cost; a resumed job's billed earlier attempts come first (they were paid for). */
  attempt_log: Attempt[];
  /** The kept attempt's generation id (the key for /generation); null when none. */
  generation_id: string | null;
  /** Normalised finish reason from the stream (stop, length, …); null when none came. */
  finish_reason: string | null;
  /** The provider's own finish reason, as the stream gave it. */
  native_finish_reason: string | null;
  /** The answer's visible text ('' when empty or failed). */
  output_text: string;
  /** Visible reasoning: `delta.reasoning` and the text/summary items of `reasoning_details`. */
  reasoning_text: string;
  /** `reasoning.encrypted` items seen in the stream: reasoning happened but is not readable (noted, never decoded). */
  reasoning_encrypted: number | null;
  /** Answered from the response cache (`--cache`): nothing was sent, the timing fields are null and the original timing is in cached_*. */
  cache_hit: boolean;

  // timing: the kept attempt, monotonic clock, ms
  /** Wall-clock ISO time the request was sent. */
  started_at: string;
  /** Time from dispatch until the first request reached the socket (slot, pooled connection, TCP connect). */
  queue_ms: number | null;
  /** Request on the socket → first token of any kind (content, reasoning, tool-call fragment). */
  ttft_ms: number | null;
  /** Request on the socket → first visible content token (after any thinking). */
  ttfc_ms: number | null;
  /** Request on the socket → end of the stream. */
  latency_ms: number | null;
  /** Mean gap between streamed tokens; null with fewer than 2, or one network read. */
  itl_ms: number | null;
  /** Streamed tokens per second after the first token; null when itl_ms is. Not streamed: completion tokens / latency. */
  output_tps: number | null;
  /** A cache hit: when the cached answer's request was sent; null otherwise (as every cached_* field). */
  cached_started_at: string | null;
  /** A cache hit: the cached answer's own ttft_ms (left out of every statistic). */
  cached_ttft_ms: number | null;
  /** A cache hit: the cached answer's own ttfc_ms. */
  cached_ttfc_ms: number | null;
  /** A cache hit: the cached answer's own latency_ms. */
  cached_latency_ms: number | null;
  /** A cache hit: the cached answer's own itl_ms. */
  cached_itl_ms: number | null;
  /** A cache hit: the cached answer's own output_tps. */
  cached_output_tps: number | null;

  // tokens: the stream's inline usage (tokens_*) vs /generation's billing counts (native_tokens_*)
  /** Prompt tokens from the stream's inline `usage`. */
  tokens_prompt: number | null;
  /** Completion tokens from the stream's inline `usage`. */
  tokens_completion: number | null;
  /** Reasoning tokens from the stream's inline `usage`. */
  tokens_reasoning: number | null;
  /** Prompt tokens as billed: /generation's native count. */
  native_tokens_prompt: number | null;
  /** Completion tokens as billed: /generation's native count. */
  native_tokens_completion: number | null;
  /** Reasoning tokens as billed: /generation's native count. */
  native_tokens_reasoning: number | null;
  /** Prompt tokens served from the provider's cache: /generation's native count. */
  native_tokens_cached: number | null;

  // money, USD
  /** /generation's total_cost of the kept attempt: the authoritative cost. */
  cost_usd: number | null;
  /** The stream's inline `usage.cost`: what OpenRouter says it charged, known before /generation answers. */
  cost_usage_usd: number | null;
  /** Native token counts × the requested model's /models prices: what the listing says it should cost. */
  cost_estimate_usd: number | null;
  /** Sum of the cost of every attempt, the kept one included; null while an attempt that streamed has no cost. */
  spent_usd: number | null;
  /** Where cost_usd comes from: generation, pending (never answered), none (no cost can come). */
  cost_source: CostSource;
  /** OpenRouter's own latency for the kept attempt (/generation). */
  or_latency_ms: number | null;
  /** OpenRouter's own generation time for the kept attempt (/generation). */
  or_generation_time_ms: number | null;
  /** A cache hit: what the cached answer cost when it was made (its cost_usd); this job's cost_usd is 0. */
  cost_cached_usd: number | null;

  // checks
  /** Every check of the task, evaluated on an ok row; [] when the task has none or the job did not finish ok. */
  checks: CheckResult[];
  /** All checks passed; null when the task has no checks or the job did not finish ok. */
  passed: boolean | null;

  // the case (datasets and templates)
  /** The variables the task's templates were rendered with: a dataset row's fields, the entry's and the suite's `vars`, `--var`. */
  vars: Vars;
  /** sha256 of the JSON of the request's messages as rendered (system prompt included). */
  prompt_sha256: string;

  // service level
  /** The speed checks (max_ttft_ms, max_latency_ms, max_itl_ms, min_output_tps) all met; null when the task has none, the job did not finish ok, it was a cache hit, or a figure is unknown. Absent in rows written before it existed. */
  slo_met: boolean | null;

  // tools and the judge
  /** The tool calls the answer made, arguments as streamed (JSON text, unparsed); [] when none. A tool-only answer has output_text '' and its calls here. */
  tool_calls: ToolCall[];
  /** What the LLM judge's verdicts on this answer cost (their /generation total_cost); null when none was judged or a cost is unknown. Kept apart from cost_usd. */
  judge_cost_usd: number | null;
  /** The judge's prompt tokens over this row's verdicts, as billed (/generation native counts); null when unknown. */
  judge_tokens_prompt: number | null;
  /** The judge's completion tokens over this row's verdicts, as billed; null when unknown. */
  judge_tokens_completion: number | null;
}
