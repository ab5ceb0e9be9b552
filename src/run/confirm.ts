// A run big enough to be an accident (`repeats: 1000000` against a $3,864–$15,384 estimate) asks
// first, before anything is sent: on a terminal it asks, elsewhere it refuses until --yes. CI is
// trusted (the pipeline was written on purpose, and no one is there to answer); so is a resume,
// which continues a run that was already let through.
import { ConfigError } from '../errors.js';
import type { Env } from '../env.js';
import { formatUsd } from '../format.js';
import type { Settings } from '../config/settings.js';
import { atStake, type CostPlan } from '../money/plan.js';

/** `$0.000123`, `$12.50`, `$15,384.00`. */
const money = (usd: number) => (usd >= 1 ? usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : formatUsd(usd));

/** Variables that CI services set; `CI` alone is the common one (GitHub, GitLab, CircleCI, Buildkite, Travis…). */
const CI_VARIABLES = ['GITHUB_ACTIONS', 'GITLAB_CI', 'BUILDKITE', 'CIRCLECI', 'TF_BUILD', 'JENKINS_URL', 'TEAMCITY_VERSION', 'BITBUCKET_BUILD_NUMBER'];

export function inCi(env: Record<string, string | undefined>): boolean {
  const ci = env.CI?.trim().toLowerCase();
  if (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false') return true;
  return CI_VARIABLES.some((name) => Boolean(env[name]));
}

/**
 * Why this run needs a yes, or null: more jobs than `confirm_above.jobs`, or more money at stake
 * than `confirm_above.usd` — the worst case, or the cap when one is set below it.
 */
export function confirmationReason(jobs: number, estimate: CostPlan | null, settings: Pick<Settings, 'confirm_above' | 'max_cost'>): string | null {
  const { confirm_above: limit, max_cost: cap } = settings;
  const reasons: string[] = [];
  if (jobs > limit.jobs) reasons.push(`${jobs.toLocaleString('en-US')} jobs (confirm_above.jobs is ${limit.jobs.toLocaleString('en-US')})`);
  // The warmup requests are paid for too (--warmup): at stake with the jobs.
  const sent = estimate && atStake(estimate);
  const known = sent && !sent.incomplete ? sent : null;
  const high = known?.high_usd ?? null;
  const most = high === null ? cap : cap === null ? high : Math.min(high, cap);
  if (most !== null && most > limit.usd) {
    const low = known?.low_usd ?? null;
    const range = high !== null && low !== null ? `estimate $${money(low)}–$${money(high)}` : `cap $${money(cap!)}`;
    reasons.push(`up to $${money(most)} (${range}; confirm_above.usd is $${money(limit.usd)})`);
  }
  return reasons.length ? reasons.join(' and ') : null;
}

/** Ask, or refuse with exit 2 (nothing sent), when the run needs a yes it has not got. */
export async function confirmRun(reason: string | null, given: { yes?: boolean; resuming: boolean }, env: Env): Promise<void> {
  if (reason === null || given.yes || given.resuming || inCi(env.env)) return;
  if (!env.confirm) {
    throw new ConfigError(`This run is large: ${reason}. Nothing was sent. Pass --yes to run it, or raise confirm_above in the config file.`);
  }
  if (!(await env.confirm(`This run is large: ${reason}. Run it? [y/N] `))) {
    throw new ConfigError('Not started: nothing was sent. Pass --yes to skip the question, or raise confirm_above in the config file.');
  }
}
