// Pure: put a task's check verdicts on its row. Only an ok row is judged — an API error is not
// a wrong answer, and keeping it out of the pass rate is what keeps exit 1 and exit 3 apart.
import type { CheckSpec } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { evaluateChecks, type EvaluateOptions } from './evaluate.js';

export function withChecks(row: JobResult, specs: readonly CheckSpec[] | undefined, options: EvaluateOptions = { final: true }): JobResult {
  if (row.status !== 'ok' || !specs?.length) return { ...row, checks: [], passed: null };
  const checks = evaluateChecks(specs, row, options);
  return { ...row, checks, passed: checks.every((c) => c.pass) };
}
