// summary.json: statistics per model × system prompt and overall. `null` means unknown, never zero.
import type { ErrorKind } from './result.js';
import type { GroupKey, GroupConsistency, PairwiseSummary, EstimateSummary, Reconciliation, LoadSummary, WarmupSummary, EndpointFigures } from './summary-parts.js';

export { ARRIVALS, groupId } from './summary-parts.js';
export type { GroupKey, TaskConsistency, GroupConsistency, PairwiseSummary, EstimateSummary, FlagKind, FlaggedJob, Reconciliation, Arrival, LoadSummary, WarmupSummary, Percentiles, EndpointFigures } from './summary-parts.js';

/**
 * How a run ended (`ok` even when jobs failed: they are rows). `budget`: the cost cap stopped it;
 * `stopped`: the key, the credits or the network did; `failed`: a merge with gaps or a bad shard.
 */
export const RUN_STATUSES = ['ok', 'failed', 'interrupted', 'budget', 'stopped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The run-level thresholds of `gates:` and the `run` flags of the same names. */
export const GATE_KEYS = [
  'min_pass_rate', 'max_total_cost', 'max_p95_latency_ms',
  'min_slo_met_rate', 'max_p95_ttft_ms', 'max_p95_itl_ms', 'min_p50_output_tps',
  'min_task_pass_rate', 'max_flaky_tasks', 'min_pass_hat_k',
] as const;
export type GateKey = (typeof GATE_KEYS)[number];
/** `min_pass_hat_k`'s limit: the mean pass^k over tasks run at least k times is at least `value`. */
export interface PassHatKGate {
  k: number;
  value: number;
}
/** Gate limits, by key; an absent key is not gated. */
export type Gates = Partial<Record<Exclude<GateKey, 'min_pass_hat_k'>, number>> & { min_pass_hat_k?: PassHatKGate };

/** `unknown`: the measure is missing (all jobs errored, costs pending) — neither a pass nor a regression. */
export const GATE_STATUSES = ['pass', 'fail', 'unknown'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

/** What identifies a run and how it ended: the head of summary.json (and of what finalize is given). */
export interface RunHeader {
  /** Start time and a random tail (`2026-11-22T17-45-03Z-a1b2c3`), `merge-…` for a merge; a resume keeps it. */
  run_id: string;
  /** The suite's `name`. */
  suite: string;
  /** ISO time the run (its first session, when resumed) started. */
  started_at: string;
  /** ISO time the run's last session finished. */
  finished_at: string;
  /** How the run ended (RUN_STATUSES). */
  status: RunStatus;
}

/** Summary statistics of one metric over a group's ok jobs (linear-interpolated percentiles). */
export interface MetricStats {
  /** Jobs with a value. */
  n: number;
  /** Arithmetic mean; null (as every figure here) when n is 0. */
  mean: number | null;
  /** Sample standard deviation; null with fewer than 2 values. */
  sd: number | null;
  min: number | null;
  /** Median. */
  p50: number | null;
  p90: number | null;
  /** Absent in summary.json files written before p95 existed. */
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** One model × system prompt (or, as `overall`, the whole run with `*` for the key). */
export interface GroupSummary extends GroupKey {
  // outcome
  /** Jobs with a row. */
  n: number;
  /** Jobs that finished ok. */
  ok: number;
  /** Jobs that failed (status error). */
  errors: number;
  /** Jobs never sent (the cost cap). */
  skipped: number;
  /** Rows per error_kind (budget skips included). */
  error_kinds: Partial<Record<ErrorKind, number>>;
  /** Ok jobs answered from the response cache: in ok, left out of every timing statistic and of the native token sums. Absent in older summaries. */
  cached: number;

  // timing, ms (tokens/s for output_tps): ok jobs only
  /** Request on the socket → first token of any kind. */
  ttft_ms: MetricStats;
  /** Request on the socket → first visible content token. */
  ttfc_ms: MetricStats;
  /** Request on the socket → end of the stream. */
  latency_ms: MetricStats;
  /** Mean gap between streamed tokens. */
  itl_ms: MetricStats;
  /** Streamed tokens per second after the first token. */
  output_tps: MetricStats;

  // tokens: sums of the known native (billed) counts, failed jobs included; null when no job's count is known
  /** Native prompt tokens. */
  native_tokens_prompt: number | null;
  /** Native completion tokens. */
  native_tokens_completion: number | null;
  /** Native reasoning tokens. */
  native_tokens_reasoning: number | null;

  // money, USD
  /** Sum of the known cost_usd (the kept attempts' /generation cost); null when none is known. */
  cost_usd: number | null;
  /** Jobs whose cost is still unknown (cost_source pending): cost_usd misses them. */
  cost_pending: number;
  /** Sum of the known spent_usd (every attempt, failed ones included); null when none is known. */
  spent_usd: number | null;
  /** Jobs per provider that answered them. */
  providers: Record<string, number>;
  /** Sum of what the cached answers cost when they were made (their cost_usd here is 0); null when none is known. Absent in older summaries. */
  cost_cached_usd: number | null;

  // checks
  /** Ok jobs that had checks. Errored and skipped jobs are not counted (they are in `errors`). */
  checked: number;
  /** Of the checked jobs, how many passed every check. */
  passed: number;
  /** passed / checked; null when nothing was checked. */
  pass_rate: number | null;
  /** Wilson 95 % interval of pass_rate; null when nothing was checked. */
  pass_rate_ci95: [number, number] | null;

  // service level: the speed checks, apart from the pass rate (checks/slo.ts)
  /** Ok, uncached jobs with speed checks and every figure they read known. Absent in older summaries. */
  slo_checked: number;
  /** Of those, how many met every speed check. */
  slo_met: number;
  /** slo_met / slo_checked: the share of requests under the SLO; null when none was judged. */
  slo_met_rate: number | null;
  /** Wilson 95 % interval of slo_met_rate; null when none was judged. */
  slo_met_rate_ci95: [number, number] | null;
  // providers
  /** The same figures per provider that served the jobs (`unknown`: none named, e.g. a failed request). Absent in older summaries. */
  by_provider?: Record<string, ProviderSummary>;

  // the judge (README "LLM judge"): present only when some check was judged (or could not be)
  /** Ok jobs with a check whose verdict is `error` (the judge could not decide): passed is null for them unless another check failed, so they are not in `checked`. */
  checks_errored?: number;
  /** Ok jobs with at least one judge score. */
  judge_scored?: number;
  /** Mean judge score over those jobs (each job: the mean of its judge checks' scores); null when none. */
  judge_score?: number | null;
  /** Student-t 95 % interval of judge_score, clipped to 0..1; null with fewer than two jobs. */
  judge_score_ci95?: [number, number] | null;
  /** What the judge's verdicts cost, USD (kept apart from cost_usd); null when none is known. */
  judge_cost_usd?: number | null;
  /** cost_usd + judge_cost_usd: the subject and the judge together; null when neither is known. */
  total_cost_usd?: number | null;
}

/** A group's figures for the jobs one provider served. */
export type ProviderSummary = Omit<GroupSummary, keyof GroupKey | 'providers' | 'by_provider'>;

/** The judge's part of a group (stats/judge.ts). */
export type JudgeFigures = Required<Pick<GroupSummary, 'checks_errored' | 'judge_scored' | 'judge_score' | 'judge_score_ci95' | 'judge_cost_usd'>>;

export interface RunSummary extends RunHeader {
  /** Times the runner lowered its concurrency after 429s; absent when no run produced this summary. */
  throttles?: number;
  /** The pre-run cost estimate next to the actual cost; absent without preflight. */
  estimate?: EstimateSummary;
  /** Jobs whose three costs disagree or that another model answered. */
  reconciliation?: Reconciliation;
  /** Gate verdicts (ci/gates.ts); absent when no gate was set. */
  gates?: GateResult[];
  /** Set by `agent-lab merge`: the shard folders this summary combines. */
  merged_from?: string[];
  /** One per model × system prompt, in the suite's order. */
  groups: GroupSummary[];
  /** The whole run. */
  overall: GroupSummary;
  /** Per model × system prompt × task pass states over repeats, in the groups' order; absent when no task has quality checks. */
  consistency?: GroupConsistency[];
  /** The target and achieved request rate; absent unless the run was paced. */
  load?: LoadSummary;
  /** The warmup requests; absent without `--warmup`. */
  warmup?: WarmupSummary;
  /** OpenRouter's own figures for each pinned arm's provider (by arm label; null: not listed); absent without provider arms. */
  endpoints?: Record<string, EndpointFigures | null>;
  /** Win, tie and loss rates per column pair, from `pairwise` checks; absent without them. */
  pairwise?: PairwiseSummary[];
}

/** One gate applied to one scope: the whole run, or a model × system prompt group. */
export interface GateResult {
  /** Which gate. */
  gate: GateKey;
  /** `all`, or `model label / system prompt id`. */
  scope: string;
  status: GateStatus;
  /** The measured value; null when unknown. */
  actual: number | null;
  /** The gate's limit, as set. */
  limit: number;
  /** One line a reader can act on. */
  message: string;
}
