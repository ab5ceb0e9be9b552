// Pure: put a task's check verdicts on its row. Only an ok row is judged — an API error is not
// a wrong answer, and keeping it out of the pass rate is what keeps exit 1 and exit 3 apart.
// Every check's verdict stays in `checks`; `passed` sums the quality checks only and `slo_met`
// the speed checks (checks/slo.ts), so a slow answer is not counted as a wrong one.
import type { CheckSpec } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { evaluateChecks, type EvaluateOptions } from './evaluate.js';
import { isSpeedCheck, sloMet } from './slo.js';

export function withChecks(row: JobResult, specs: readonly CheckSpec[] | undefined, options: EvaluateOptions = { final: true }): JobResult {
  if (row.status !== 'ok' || !specs?.length) return { ...row, checks: [], passed: null, slo_met: null };
  const checks = evaluateChecks(specs, row, options);
  const quality = checks.filter((_, i) => !isSpeedCheck(specs[i]!));
  return { ...row, checks, passed: quality.length ? quality.every((c) => c.pass) : null, slo_met: sloMet(specs, row) };
}
