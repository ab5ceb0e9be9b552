// summary.json's parts beside the per-group figures: the group key, per-task consistency, pairwise,
// estimate, reconciliation, load, warmup, endpoints.
import type { JobResult } from './result.js';

/** What names a model × system prompt group; groupId is its identity. */
export type GroupKey = Pick<JobResult, 'model' | 'model_label' | 'system_prompt_id'>;

/**
 * A group's identity as one string: the model asked for, the prompt arm and the label — a model
 * may be in a suite twice under two labels (streamed and not, two reasoning efforts): two arms.
 */
export const groupId = (g: GroupKey): string => `${g.model}\u0000${g.system_prompt_id}\u0000${g.model_label}`;

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
