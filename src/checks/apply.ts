// Pure: put a task's check verdicts on its row. Only an ok row is judged — an API error is not
// a wrong answer, and keeping it out of the pass rate is what keeps exit 1 and exit 3 apart.
// Every check's verdict stays in `checks`; `passed` sums the quality checks only and `slo_met`
// the speed checks (checks/slo.ts), so a slow answer is not counted as a wrong one.
import type { CheckSpec } from '../types/job.js';
import { sum } from '../exec/costs.js';
import type { CheckResult, JobResult } from '../types/result.js';
import { evaluateChecks, type EvaluateOptions } from './evaluate.js';
import { isSpeedCheck, sloMet } from './slo.js';
import type { JudgeVerdict } from './judge.js';

export function withChecks(row: JobResult, specs: readonly CheckSpec[] | undefined, options: EvaluateOptions = { final: true }): JobResult {
  if (row.status !== 'ok' || !specs?.length) return { ...row, checks: [], passed: null, slo_met: null, ...NO_JUDGE };
  const checks = evaluateChecks(specs, row, options);
  // Speed checks count in slo_met, not in passed (README "SLO goodput").
  const quality = checks.filter((_, i) => !isSpeedCheck(specs[i]!));
  return { ...row, checks, passed: quality.length ? passedOf(quality) : null, slo_met: sloMet(specs, row), ...judgeFigures(specs, row, options) };
}

const NO_JUDGE = { judge_cost_usd: null, judge_tokens_prompt: null, judge_tokens_completion: null } as const;

/**
 * A failed check fails the row. A judge that gave no verdict leaves the row undecided (null): it
 * stays out of the pass rate, as an API error does, and is counted apart (checks_errored).
 */
export function passedOf(checks: readonly CheckResult[]): boolean | null {
  if (checks.some((c) => !c.pass && c.verdict !== 'error')) return false;
  return checks.some((c) => c.verdict === 'error') ? null : true;
}

/** The judge's cost and tokens over the row's judge checks; null when none ran or one is unknown. */
function judgeFigures(specs: readonly CheckSpec[], row: JobResult, options: EvaluateOptions): Pick<JobResult, 'judge_cost_usd' | 'judge_tokens_prompt' | 'judge_tokens_completion'> {
  const verdicts = specs.flatMap((s): (JudgeVerdict | undefined)[] => {
    if (s.kind === 'judge') return [options.verdicts?.(s, row)];
    if (s.kind !== 'pairwise') return [];
    const pair = options.pairwise?.(s, row);
    return !pair ? [undefined] : 'self' in pair || pair.missing ? [] : [pair.first, pair.second];
  });
  if (!verdicts.length || verdicts.some((v) => v === undefined)) return NO_JUDGE;
  const total = (pick: (v: JudgeVerdict) => number | null) => {
    const values = verdicts.map((v) => pick(v!));
    return values.some((v) => v === null) ? null : sum(values as number[]);
  };
  return { judge_cost_usd: total((v) => v.cost_usd), judge_tokens_prompt: total((v) => v.tokens_prompt), judge_tokens_completion: total((v) => v.tokens_completion) };
}
