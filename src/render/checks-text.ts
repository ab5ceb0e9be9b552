// A row's check verdicts as text: the CSV's checks_passed and check_failures cells, and the step
// summary's failed-checks list.
import type { JobResult } from '../types/result.js';

/** "3/4", or '' when nothing was checked. */
export function checksPassedText(row: Pick<JobResult, 'checks' | 'passed'>): string {
  if (row.passed === null || !row.checks?.length) return '';
  return `${row.checks.filter((c) => c.pass).length}/${row.checks.length}`;
}

/** The failed checks' names and reasons in one line: `contains "x": not found …; max_tokens 50: …`. */
export function checkFailuresText(row: Pick<JobResult, 'checks'>): string {
  return (row.checks ?? [])
    .filter((c) => !c.pass)
    .map((c) => `${c.name}: ${c.detail}`)
    .join('; ');
}
