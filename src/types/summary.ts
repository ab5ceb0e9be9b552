// summary.json: statistics per model × system prompt and overall. `null` means unknown, never zero.
import type { ErrorKind, JobResult } from './result.js';

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

/** What names a model × system prompt group; groupId is its identity. */
export type GroupKey = Pick<JobResult, 'model' | 'model_label' | 'system_prompt_id'>;

/**
 * A group's identity as one string: the model asked for, the prompt arm and the label — a model
 * may be in a suite twice under two labels (streamed and not, two reasoning efforts): two arms.
 */
export const groupId = (g: GroupKey): string => `${g.model}\u0000${g.system_prompt_id}\u0000${g.model_label}`;

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

/** One task of one model × system prompt, over its repeats (stats/consistency.ts). */
export interface TaskConsistency {
  task_id: string;
  /** Attempts with a pass state: checked ok jobs plus errored ones (an error is not a pass). */
  n: number;
  /** Attempts that passed every quality check. */
  passed: number;
  /** passed / n. */
  pass_rate: number;
  /** k → the chance that at least one of k attempts passes (unbiased: 1 − C(n−c,k)/C(n,k)), k from 1 to n. */
  pass_at_k: Record<string, number>;
  /** k → the chance that all k attempts pass (unbiased: C(c,k)/C(n,k)), k from 1 to n. */
  pass_hat_k: Record<string, number>;
  /** Neither always passed nor always failed: 0 < passed < n. */
  flaky: boolean;
}

/** Per-task consistency of one model × system prompt: tasks with quality checks only. */
export interface GroupConsistency extends GroupKey {
  /** Tasks with a pass state. */
  tasks: number;
  /** Tasks with 0 < passed < n. */
  flaky_tasks: number;
  /** Tasks that never passed. */
  failing_tasks: number;
  /** The lowest pass rate of any task. */
  min_task_pass_rate: number;
  /** k → the mean pass@k over the tasks run at least k times. */
  pass_at_k: Record<string, number>;
  /** k → the mean pass^k over the tasks run at least k times. */
  pass_hat_k: Record<string, number>;
  /** Each task run at least twice (a task run once has nothing to add to its row's `passed`). */
  per_task: TaskConsistency[];
}

/** A group's figures for the jobs one provider served. */
export type ProviderSummary = Omit<GroupSummary, keyof GroupKey | 'providers' | 'by_provider'>;

/** One column against another (stats/pairwise.ts): its answers' outcomes, errors apart. */
export interface PairwiseSummary extends GroupKey {
  /** The column compared with, as the check names it. */
  against: string;
  /** Pairs judged (errors not included). */
  n: number;
  wins: number;
  ties: number;
  losses: number;
  /** Pairs the judge could not decide. */
  errors: number;
  win_rate: number | null;
  /** Wilson 95 % interval of win_rate. */
  win_rate_ci95: [number, number] | null;
  tie_rate: number | null;
  loss_rate: number | null;
  loss_rate_ci95: [number, number] | null;
}

/** The judge's part of a group (stats/judge.ts). */
export type JudgeFigures = Required<Pick<GroupSummary, 'checks_errored' | 'judge_scored' | 'judge_score' | 'judge_score_ci95' | 'judge_cost_usd'>>;

/** The plan's estimate for the jobs this run sent, and what they really cost (USD; null = unknown). */
export interface EstimateSummary {
  /** Expected completion tokens per job at the low end (--expect-tokens). */
  expect_tokens: number;
  /** Jobs the estimate covers. */
  jobs: number;
  /** Estimated cost at expect_tokens per job; null when a price is unknown. */
  low_usd: number | null;
  /** Estimated cost when every job uses its whole max_tokens; null when a price is unknown. */
  high_usd: number | null;
  /** Sum of the known cost_usd of the same jobs. */
  actual_usd: number | null;
  /** Prompt tokens estimated for the jobs that ran. */
  prompt_tokens_estimated: number;
  /** Native prompt tokens reported for them; null when none is known. */
  prompt_tokens_actual: number | null;
  /** How many jobs the actual prompt tokens come from (those /generation answered for). */
  prompt_tokens_actual_jobs?: number;
}

/** Why reconciliation flagged a job: its costs disagree, or another model answered. */
export type FlagKind = 'cost_mismatch' | 'model_mismatch';

/** A flagged job, with the figures that disagree. */
export interface FlaggedJob extends Pick<JobResult, 'job_id' | 'model' | 'model_served' | 'cost_usd' | 'cost_usage_usd' | 'cost_estimate_usd'> {
  kind: FlagKind;
}

/** Jobs whose three costs disagree or that another model answered (money/reconcile.ts). */
export interface Reconciliation {
  /** Two costs disagree past this share of the larger, or past this many USD. */
  tolerance: { readonly relative: number; readonly absolute_usd: number };
  /** Jobs whose known costs differ past the tolerance. */
  cost_mismatches: number;
  /** Jobs answered by another model than requested. */
  model_mismatches: number;
  /** The first flagged jobs, in the order they were seen. */
  jobs: FlaggedJob[];
}

/** How paced requests arrive (`--arrival`): evenly spaced, or with exponential gaps. */
export const ARRIVALS = ['constant', 'poisson'] as const;
export type Arrival = (typeof ARRIVALS)[number];

/** The load a paced run (`--request-rate`) asked for and what it achieved, this session's measured jobs. */
export interface LoadSummary {
  /** Requests a second asked for. */
  target_rps: number;
  arrival: Arrival;
  /** Measured jobs sent in this session (warmup and cache hits not included). */
  sent: number;
  /** (sent − 1) over the time from the first send to the last, per second; null with fewer than two. */
  achieved_rps: number | null;
}

/** Requests sent before the measured jobs (`--warmup`): in no statistic, but paid for. */
export interface WarmupSummary {
  /** Warmup requests sent, every session of the run. */
  requests: number;
  ok: number;
  errors: number;
  /** Sum of their known spent_usd; null when none is known. */
  spent_usd: number | null;
}

/** OpenRouter's percentiles of a figure over the last 30 minutes, as it gave them. */
export interface Percentiles {
  p50: number | null;
  p75: number | null;
  p90: number | null;
  p99: number | null;
}

/** One provider's endpoint of a model, as /models/{id}/endpoints reports it (null: not reported). */
export interface EndpointFigures {
  /** The routing slug (`provider.only`). */
  tag: string;
  provider_name: string | null;
  /** USD per token, as the decimal strings /models uses. */
  pricing: { prompt: string | null; completion: string | null } | null;
  /** OpenRouter's latency (its unit is not settled: ms by the docs, seconds by their example). Null without a key. */
  latency_last_30m: Percentiles | null;
  /** Tokens a second, by OpenRouter. Null without a key. */
  throughput_last_30m: Percentiles | null;
}

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
