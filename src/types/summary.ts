// summary.json: statistics per model × system prompt and overall. `null` means unknown, never zero.
import type { Reconciliation } from '../money/reconcile.js';
import type { ErrorKind } from './result.js';

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
