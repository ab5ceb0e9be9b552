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
  add(row: JobResult): void;
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
    add(row) {
      const checked = row.status === 'ok' && typeof row.passed === 'boolean';
      const errored = row.status === 'error' && row.error_kind !== 'aborted';
      if (!checked && !errored) return;
      const key = groupId(row);
      let tasks = groups.get(key);
      if (!tasks) {
        groups.set(key, (tasks = new Map()));
        keys.set(key, { model: row.model, model_label: row.model_label, system_prompt_id: row.system_prompt_id });
      }
      let tally = tasks.get(row.task_id);
      if (!tally) tasks.set(row.task_id, (tally = { checked: 0, passed: 0, errored: 0 }));
      if (checked) {
        tally.checked++;
        if (row.passed) tally.passed++;
        checkedTasks.add(row.task_id);
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
        if (!tasks) continue;
        const list: TaskConsistency[] = [];
        for (const [task_id, t] of tasks) if (checkedTasks.has(task_id)) list.push(taskFigures(task_id, t.checked + t.errored, t.passed));
        if (list.length) out.push(groupFigures(group, list));
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

function groupFigures(group: GroupKey, tasks: TaskConsistency[]): GroupConsistency {
  const maxN = tasks.reduce((m, t) => Math.max(m, t.n), 0);
  const pass_at_k: Record<string, number> = {};
  const pass_hat_k: Record<string, number> = {};
  for (let k = 1; k <= maxN; k++) {
    // The mean over the tasks run at least k times: a task run twice says nothing about pass^3.
    const having = tasks.filter((t) => t.n >= k);
    pass_at_k[k] = mean(having.map((t) => t.pass_at_k[k]!));
    pass_hat_k[k] = mean(having.map((t) => t.pass_hat_k[k]!));
  }
  return {
    model: group.model,
    model_label: group.model_label,
    system_prompt_id: group.system_prompt_id,
    tasks: tasks.length,
    flaky_tasks: tasks.filter((t) => t.flaky).length,
    failing_tasks: tasks.filter((t) => t.passed === 0).length,
    min_task_pass_rate: tasks.reduce((m, t) => Math.min(m, t.pass_rate), 1),
    pass_at_k,
    pass_hat_k,
    // A task run once has no consistency to tell (its row's `passed` says it all), and listing
    // each row of a 100,000-row dataset would make summary.json the size of results.jsonl.
    per_task: tasks.filter((t) => t.n >= 2),
  };
}

const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1e6) / 1e6;
