// A row's checks for finalize, from the task scan's entry of each task.
import type { CheckSpec } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { renderChecks } from './entry.js';
import type { ResolvedSuite } from './resolve.js';
import type { TaskScan } from './tasks.js';

/**
 * A row's checks for finalize, which judges them again once the costs are in: the entry's own,
 * with templated arguments rendered again from the vars the row carries.
 */
export function rowChecks(suite: ResolvedSuite, scan: Pick<TaskScan, 'entryOf'>): (row: JobResult) => readonly CheckSpec[] | undefined {
  const fixed = suite.entries.map((entry) => (entry.rowChecks ? null : entry.checks.map((c) => c.spec)));
  if (!scan.entryOf) return () => fixed[0] ?? undefined;
  const entryOf = scan.entryOf;
  return (row) => {
    const index = entryOf(row.task_id);
    if (index === undefined) return undefined;
    const entry = suite.entries[index]!;
    try {
      return fixed[index] ?? renderChecks(entry.checks, (_, template) => template.render(row.vars ?? {}));
    } catch {
      return undefined;
    }
  };
}
