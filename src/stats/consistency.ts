// Pure: per model × system prompt × task, how consistently the task passes over its repeats.
// An aggregate pass rate hides a task that always fails behind tasks that always pass; this
// keeps each task apart. A task has a pass state only when it has quality checks: an ok row's
// `passed`, or an errored row of a task known to have checks (an error is not a pass). Rows
// without checks, skipped rows (never sent) and aborted ones (the user's doing) are not counted.
import type { CheckSpec } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { groupId, type GroupConsistency, type GroupKey, type TaskConsistency } from '../types/summary.js';
import { isSpeedCheck } from '../checks/slo.js';
import { passAtK, passHatK } from './pass-k.js';

interface Tally {
  checked: number;
  passed: number;
  errored: number;
}

export interface ConsistencyOptions {
  /** A row's checks by its task: tells an errored row's task has checks when no row of it was checked. */
  checksFor?: (row: JobResult) => readonly CheckSpec[] | undefined;
}

/** One task of one group: attempts with a pass state, and passes. */
export interface TaskTally extends GroupKey {
  task_id: string;
  n: number;
  passed: number;
}

export interface ConsistencyAccumulator {
  /** `key`: the row's groupId, when the caller has it already. */
  add(row: JobResult, key?: string): void;
  /** Every task with a pass state, run once or more (compare's flips). */
  all(): TaskTally[];
  /** One entry per group (in `order`) that has a task with a pass state. */
  finish(order: readonly GroupKey[]): GroupConsistency[];
}

export function createConsistency(opts: ConsistencyOptions = {}): ConsistencyAccumulator {
  /** groupId → task id → tally: a 100,000-row dataset keeps three numbers a task, not its rows. */
  const groups = new Map<string, Map<string, Tally>>();
  const keys = new Map<string, GroupKey>();
  const checkedTasks = new Set<string>();
  return {
    add(row, key = groupId(row)) {
      const checked = row.status === 'ok' && typeof row.passed === 'boolean';
      const errored = row.status === 'error' && row.error_kind !== 'aborted';
      if (!checked && !errored) return;
      let tasks = groups.get(key);
      if (!tasks) {
        groups.set(key, (tasks = new Map()));
        keys.set(key, { model: row.model, model_label: row.model_label, system_prompt_id: row.system_prompt_id });
      }
      let tally = tasks.get(row.task_id);
      if (!tally) tasks.set(row.task_id, (tally = { checked: 0, passed: 0, errored: 0 }));
      if (checked) {
        // The set is told once per task and group, not once per row.
        if (tally.checked++ === 0) checkedTasks.add(row.task_id);
        if (row.passed) tally.passed++;
      } else {
        tally.errored++;
        if (opts.checksFor?.(row)?.some((spec) => !isSpeedCheck(spec))) checkedTasks.add(row.task_id);
      }
    },
    all() {
      const out: TaskTally[] = [];
      for (const [key, tasks] of groups) {
        for (const [task_id, t] of tasks) if (checkedTasks.has(task_id)) out.push({ ...keys.get(key)!, task_id, n: t.checked + t.errored, passed: t.passed });
      }
      return out;
    },
    finish(order) {
      const out: GroupConsistency[] = [];
      for (const group of order) {
        const tasks = groups.get(groupId(group));
        const figures = tasks && groupFigures(group, tasks, checkedTasks);
        if (figures) out.push(figures);
      }
      return out;
    },
  };
}

/** One task's figures from n attempts with c passes: pass@k and pass^k for every k from 1 to n. */
export function taskFigures(task_id: string, n: number, c: number): TaskConsistency {
  const pass_at_k: Record<string, number> = {};
  const pass_hat_k: Record<string, number> = {};
  for (let k = 1; k <= n; k++) {
    pass_at_k[k] = passAtK(n, c, k)!;
    pass_hat_k[k] = passHatK(n, c, k)!;
  }
  return { task_id, n, passed: c, pass_rate: c / n, pass_at_k, pass_hat_k, flaky: c > 0 && c < n };
}

/**
 * A group's figures in one pass over its tallies, without building a task's figures unless it
 * is listed (run twice or more): a 100,000-row dataset run once is summed, not copied.
 */
function groupFigures(group: GroupKey, tasks: Map<string, Tally>, checkedTasks: ReadonlySet<string>): GroupConsistency | null {
  const per_task: TaskConsistency[] = [];
  // Index k: the sums of pass@k and pass^k over the tasks run at least k times, and how many.
  const at: number[] = [];
  const hat: number[] = [];
  const having: number[] = [];
  let count = 0;
  let flaky = 0;
  let failing = 0;
  let min = 1;
  for (const [task_id, t] of tasks) {
    if (!checkedTasks.has(task_id)) continue;
    const n = t.checked + t.errored;
    const c = t.passed;
    count++;
    if (c > 0 && c < n) flaky++;
    if (c === 0) failing++;
    min = Math.min(min, c / n);
    if (n === 1) {
      add(at, hat, having, 1, c, c);
      continue;
    }
    const figures = taskFigures(task_id, n, c);
    per_task.push(figures);
    for (let k = 1; k <= n; k++) add(at, hat, having, k, figures.pass_at_k[k]!, figures.pass_hat_k[k]!);
  }
  if (count === 0) return null;
  const byK = (sums: number[]) => {
    const out: Record<string, number> = {};
    for (let k = 1; k < having.length; k++) out[k] = round(sums[k]! / having[k]!);
    return out;
  };
  return {
    model: group.model,
    model_label: group.model_label,
    system_prompt_id: group.system_prompt_id,
    tasks: count,
    flaky_tasks: flaky,
    failing_tasks: failing,
    min_task_pass_rate: min,
    pass_at_k: byK(at),
    pass_hat_k: byK(hat),
    per_task,
  };
}

function add(at: number[], hat: number[], having: number[], k: number, a: number, h: number): void {
  at[k] = (at[k] ?? 0) + a;
  hat[k] = (hat[k] ?? 0) + h;
  having[k] = (having[k] ?? 0) + 1;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
