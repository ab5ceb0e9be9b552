// The data that flows through the pipeline. Every stage takes and returns these shapes;
// nothing here does I/O. `null` always means "unknown", never zero.
import type { Reconciliation } from './reconcile.js';

/** The closed set of reasons a job can fail; recorded on the row as `error_kind`. */
export const ERROR_KINDS = [
  'auth', // 401/403: the key is wrong for every job
  'credits', // 402: out of credits
  'rate_limit', // 429
  'bad_request', // 400/404/413/422, e.g. an unknown model
  'timeout', // connect, first-token, idle or total timeout
  'server', // 5xx, 408, 524, 529
  'network', // refused, reset, DNS, before the first byte
  'stream', // mid-stream error event, malformed event, reset after the first byte
  'budget', // not sent: the cost cap would have been crossed
  'aborted', // interrupted by the user
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export type Role = 'system' | 'user' | 'assistant' | 'tool';
export interface Message {
  role: Role;
  content: string;
}

/** Request body fields other than `model`, `messages` and `stream`; passed through to the API. */
export type Params = Record<string, unknown>;

/** One cell of the matrix: a task × model × system prompt × repeat, fully resolved. */
export interface Job {
  /** Stable hash of task, model, system prompt, resolved params and repeat index. */
  job_id: string;
  /** Position in the deterministic matrix order (0-based). */
  index: number;
  task_id: string;
  /** Model slug as requested. */
  model: string;
  /** Display label from the suite (defaults to the slug). */
  model_label: string;
  system_prompt_id: string;
  /** The system prompt text; '' means no system message is sent. */
  system_prompt: string;
  system_prompt_sha256: string;
  /** 0-based repeat index. */
  repeat: number;
  /** Full message list as sent (system message first when the prompt is not empty). */
  messages: Message[];
  /** Resolved request params (always includes max_tokens). */
  params: Params;
  /** The task's checks (suite-level first; absent = none). Not part of job_id, so editing a check keeps baselines joinable. */
  checks?: CheckSpec[];
}

/** One check from a suite's `checks:`, resolved (a json_schema file is read into `schema`). */
export type CheckSpec =
  | { kind: 'contains' | 'not_contains' | 'icontains' | 'equals' | 'starts_with'; value: string }
  | { kind: 'regex'; pattern: string; flags: string }
  | { kind: 'is_json' }
  | { kind: 'json_schema'; schema: Record<string, unknown>; file: string | null }
  | { kind: 'max_latency_ms' | 'max_ttft_ms' | 'max_cost_usd' | 'max_tokens'; limit: number };
export type CheckKind = CheckSpec['kind'];

/** The outcome of one check on one row. */
export interface CheckResult {
  /** Readable and unique within a task, e.g. `contains "Canberra"`, `max_latency_ms 2000`. */
  name: string;
  pass: boolean;
  /** Why, in a few words: what was found or measured. */
  detail: string;
}

/** Token usage as the stream's inline `usage` object reported it. */
export interface StreamUsage {
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  reasoning_tokens: number | null;
  cached_tokens: number | null;
  /** Inline `usage.cost`, USD. */
  cost: number | null;
}

/** An error reported by the API, either as a non-2xx body or inside a 200 stream. */
export interface ApiError {
  /** HTTP status, or the numeric `error.code` of a mid-stream error. */
  code: number | null;
  message: string;
  /** Provider-specific extra detail (`metadata.error_type`, `provider_name`, `raw`...). */
  metadata: Record<string, unknown> | null;
}

export interface ToolCall {
  id: string | null;
  name: string | null;
  arguments: string;
}

/** What one SSE stream said, accumulated. Times are monotonic ms from the caller's clock. */
export interface StreamResult {
  generation_id: string | null;
  /** `model` field of the chunks: the model that actually served the request. */
  model_served: string | null;
  /** `provider` display name from the chunks. */
  provider: string | null;
  content: string;
  reasoning: string;
  /** Count of `reasoning.encrypted` items seen (noted, never decoded). */
  reasoning_encrypted: number;
  tool_calls: ToolCall[];
  /** Last non-null `finish_reason`. */
  finish_reason: string | null;
  native_finish_reason: string | null;
  usage: StreamUsage | null;
  /** A top-level or choice-level error seen in the stream. */
  error: ApiError | null;
  /** A `data:` payload that was not JSON (other than [DONE]). */
  malformed: string | null;
  /** `data: [DONE]` was received. */
  done: boolean;
  /** Number of data events parsed. */
  events: number;
  /** Clock time of the first content or reasoning token (null if none). */
  first_token_at: number | null;
  /** Clock time of the first visible content token. */
  first_content_at: number | null;
  /** Clock time of the last content or reasoning token. */
  last_token_at: number | null;
}

/** Native accounting from `GET /generation`. */
export interface GenerationStats {
  id: string;
  total_cost: number | null;
  native_tokens_prompt: number | null;
  native_tokens_completion: number | null;
  native_tokens_reasoning: number | null;
  native_tokens_cached: number | null;
  tokens_prompt: number | null;
  tokens_completion: number | null;
  /** OpenRouter's own latency, ms. */
  latency: number | null;
  /** OpenRouter's own generation time, ms. */
  generation_time: number | null;
  provider_name: string | null;
  model: string | null;
  finish_reason: string | null;
  native_finish_reason: string | null;
}

export type CostSource = 'generation' | 'pending' | 'none';
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

/** Streaming summary statistics for one metric. */
export interface MetricStats {
  n: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface GroupSummary {
  model: string;
  model_label: string;
  system_prompt_id: string;
  n: number;
  ok: number;
  errors: number;
  skipped: number;
  error_kinds: Partial<Record<ErrorKind, number>>;
  ttft_ms: MetricStats;
  ttfc_ms: MetricStats;
  latency_ms: MetricStats;
  itl_ms: MetricStats;
  output_tps: MetricStats;
  /** Sums of the known native counts; null when no job's count is known (never a made-up 0). */
  native_tokens_prompt: number | null;
  native_tokens_completion: number | null;
  native_tokens_reasoning: number | null;
  /** Sum of known costs, USD (null when none is known). */
  cost_usd: number | null;
  /** Jobs whose cost is still unknown. */
  cost_pending: number;
  spent_usd: number | null;
  providers: Record<string, number>;
  /** Ok jobs that had checks. Errored and skipped jobs are not counted (they are in `errors`). */
  checked: number;
  /** Of the checked jobs, how many passed every check. */
  passed: number;
  /** passed / checked; null when nothing was checked. */
  pass_rate: number | null;
  /** Wilson 95 % interval of pass_rate; null when nothing was checked. */
  pass_rate_ci95: [number, number] | null;
}

/** The plan's estimate for the jobs this run sent, and what they really cost (USD; null = unknown). */
export interface EstimateSummary {
  /** Expected completion tokens per job at the low end. */
  expect_tokens: number;
  jobs: number;
  low_usd: number | null;
  high_usd: number | null;
  /** Sum of the known cost_usd of the same jobs. */
  actual_usd: number | null;
  /** Prompt tokens: estimated for the jobs that ran vs native counts reported. */
  prompt_tokens_estimated: number;
  prompt_tokens_actual: number | null;
  /** How many jobs the actual prompt tokens come from (those /generation answered for). */
  prompt_tokens_actual_jobs?: number;
}

export interface RunSummary {
  run_id: string;
  suite: string;
  started_at: string;
  finished_at: string;
  status: RunStatus;
  /** Times the runner lowered its concurrency after 429s; absent when no run produced this summary. */
  throttles?: number;
  /** The pre-run cost estimate next to the actual cost; absent without preflight. */
  estimate?: EstimateSummary;
  /** Jobs whose three costs disagree or that another model answered (see reconcile.ts). */
  reconciliation?: Reconciliation;
  /** Gate verdicts (src/gates.ts); absent when no gate was set. */
  gates?: GateResult[];
  /** Set by `agent-lab merge`: the shard folders this summary combines. */
  merged_from?: string[];
  groups: GroupSummary[];
  overall: GroupSummary;
}

export type GateKey = 'min_pass_rate' | 'max_total_cost' | 'max_p95_latency_ms';

/** One gate applied to one scope: the whole run, or a model × system prompt group. */
export interface GateResult {
  gate: GateKey;
  /** `all`, or `model label / system prompt id`. */
  scope: string;
  /** `unknown`: the measure is missing (all jobs errored, costs pending) — neither a pass nor a regression. */
  status: 'pass' | 'fail' | 'unknown';
  /** The measured value; null when unknown. */
  actual: number | null;
  limit: number;
  /** One line a reader can act on. */
  message: string;
}

export type RunStatus = 'ok' | 'failed' | 'interrupted' | 'budget' | 'stopped';
