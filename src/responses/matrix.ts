// Pure: streamed rows → the response matrix; tasks in suite order, columns in summary.json's.
import { createHash } from 'node:crypto';
import type { BaselineView, CheckView, Grid, MatrixHead, ResponseCell, ResponseColumn, ResponseMatrix, ResponseRow, ToolCallView } from '../types/responses.js';
import type { ToolCall } from '../provider/wire.js';
import type { GroupKey } from '../types/summary.js';

/** Answer and reasoning text a report embeds at most, over all its jobs (UTF-16 units). */
export const TEXT_BUDGET = 24_000_000;

export function textLimit(jobs: number): number {
  return Math.max(300, Math.min(20_000, Math.floor(TEXT_BUDGET / Math.max(1, jobs))));
}

export interface MatrixOptions {
  /** Columns not listed follow in the order first seen. */
  columnOrder?: readonly GroupKey[];
  /** UTF-16 units per answer; reasoning gets half. */
  limit?: number;
  /** false: `disagree` is left false, for a caller that works it out from the rows later (agreement()). */
  agreement?: boolean;
}

export interface MatrixBuilder {
  /** Registers the column only, so column numbers do not depend on a filter. */
  see(row: Pick<ResponseRow, 'model' | 'model_label' | 'system_prompt_id'>): void;
  /** `text` false: no answer kept, but it still counts for agreement. */
  add(row: ResponseRow, text?: boolean): void;
  finish(): ResponseMatrix;
}

export interface GridBuilder<T> {
  see: MatrixBuilder['see'];
  add(row: ResponseRow, cell: T, text?: boolean): void;
  finish(): Grid<T>;
}

interface TaskAcc<T> {
  task_id: string;
  vars: Record<string, unknown>;
  /** The lowest job_index of its rows; null for rows that predate the field. */
  index: number | null;
  first: string;
  seen: number;
  cells: Map<number, T[]>;
  outcomes: Agreement | null;
  failing: boolean;
  errors: boolean;
}

const columnKey = (g: Pick<GroupKey, 'model' | 'system_prompt_id'>) => `${g.model}\u0000${g.system_prompt_id}`;

/** By job_index; rows without one (older runs) by their earliest send, which follows suite order up to concurrency. */
function suiteOrder(a: TaskAcc<unknown>, b: TaskAcc<unknown>): number {
  if (a.index !== null && b.index !== null && a.index !== b.index) return a.index - b.index;
  return a.first < b.first ? -1 : a.first > b.first ? 1 : a.seen - b.seen;
}

export function matrixBuilder(options: MatrixOptions = {}): MatrixBuilder {
  const limit = options.limit ?? null;
  const grid = gridBuilder<ResponseCell>(options);
  return {
    see: grid.see,
    add: (row, text = true) => grid.add(row, cellOf(text ? row : { ...row, output_text: '', reasoning_text: '' }, limit), text),
    finish() {
      const { columns, tasks, jobs, truncated, baseline_jobs } = grid.finish();
      return { columns, tasks: tasks.map((t) => ({ ...t, cells: t.cells.map(byRepeat) })), jobs, limit, truncated, baseline_jobs };
    },
  };
}

/** Repeat order; rows of one repeat (an unfinalized journal) keep the order they came in. */
export const byRepeat = (cells: ResponseCell[]): ResponseCell[] => cells.sort((a, b) => a.repeat - b.repeat);

/** The columns: those of `columnOrder` first, then each new model × system prompt as it is seen. */
export function columnIndex(columnOrder: readonly GroupKey[]): { list: ResponseColumn[]; see(g: Pick<GroupKey, 'model' | 'model_label' | 'system_prompt_id'>): number } {
  const list: ResponseColumn[] = [];
  const index = new Map<string, number>();
  const see = (g: Pick<GroupKey, 'model' | 'model_label' | 'system_prompt_id'>): number => {
    const key = columnKey(g);
    let at = index.get(key);
    if (at === undefined) {
      index.set(key, (at = list.length));
      list.push({ model: g.model, model_label: g.model_label, system_prompt_id: g.system_prompt_id, name: `${g.model_label} · ${g.system_prompt_id}` });
    }
    return at;
  };
  for (const g of columnOrder) see(g);
  return { list, see };
}

/** The figures the heads of responses.md and report.html give, from a matrix with its tasks. */
export function matrixHead(matrix: Grid<unknown>): MatrixHead {
  const { tasks, ...rest } = matrix;
  return { ...rest, task_count: tasks.length, failing_tasks: tasks.filter((t) => t.failing).length, error_tasks: tasks.filter((t) => t.errors).length };
}

/** Everything of the matrix but the cells, which are whatever the caller makes of each row (`cell`). */
export function gridBuilder<T>(options: MatrixOptions = {}): GridBuilder<T> {
  const { list: columns, see } = columnIndex(options.columnOrder ?? []);
  const tasks = new Map<string, TaskAcc<T>>();
  const limit = options.limit ?? null;
  let jobs = 0;
  let truncated = 0;
  return {
    see,
    add(row, cell, text = true) {
      const col = see(row);
      let task = tasks.get(row.task_id);
      if (!task) {
        task = { task_id: row.task_id, vars: row.vars ?? {}, index: row.job_index ?? null, first: row.started_at, seen: tasks.size, cells: new Map(), outcomes: options.agreement === false ? null : agreement(), failing: false, errors: false };
        tasks.set(row.task_id, task);
      }
      if (row.started_at < task.first) task.first = row.started_at;
      if (row.job_index != null && (task.index === null || row.job_index < task.index)) task.index = row.job_index;
      if (text) truncated += cuts(row, limit);
      let repeats = task.cells.get(col);
      if (!repeats) task.cells.set(col, (repeats = []));
      repeats.push(cell);
      task.outcomes?.add(col, row);
      task.failing ||= isFailing({ passed: row.passed ?? null, checks: row.checks ?? [] });
      task.errors ||= row.status !== 'ok';
      jobs++;
    },
    finish() {
      const ordered = [...tasks.values()].sort(suiteOrder);
      const out = ordered.map((t) => ({
        task_id: t.task_id,
        vars: t.vars,
        cells: columns.map((_, c) => t.cells.get(c) ?? []),
        failing: t.failing,
        errors: t.errors,
        disagree: t.outcomes?.disagree() ?? false,
      }));
      return { columns, tasks: out, jobs, limit, truncated, baseline_jobs: 0 };
    },
  };
}

/** How many of a row's texts (answer, reasoning) cellOf cuts at `limit`. */
export function cuts(row: ResponseRow, limit: number | null): number {
  if (limit === null) return 0;
  return Number((row.output_text ?? '').length > limit) + Number((row.reasoning_text ?? '').length > Math.ceil(limit / 2));
}

/** A cell's check failed, or its judge could not decide. */
export const isFailing = (cell: { passed: boolean | null; checks: readonly CheckView[] }): boolean => cell.passed === false || cell.checks.some((c) => c.verdict === 'error');

/** What `show --failed` lists: a failing check or a job that failed (not one the budget skipped). */
export const isFailedJob = (cell: { status: string; passed: boolean | null; checks: readonly CheckView[] }): boolean => cell.status === 'error' || isFailing(cell);

/** One row as its cell, its texts cut to `limit` (reasoning to half). */
export function cellOf(row: ResponseRow, limit: number | null): ResponseCell {
  return {
    job_id: row.job_id,
    repeat: row.repeat,
    status: row.status,
    error_kind: row.error_kind,
    error_message: row.error_message,
    finish_reason: row.finish_reason,
    output: cut1(row.output_text ?? '', limit),
    output_chars: (row.output_text ?? '').length,
    reasoning: cut1(row.reasoning_text ?? '', limit === null ? null : Math.ceil(limit / 2)),
    reasoning_chars: (row.reasoning_text ?? '').length,
    passed: row.passed ?? null,
    checks: (row.checks ?? []).map(checkView),
    tool_calls: (row.tool_calls ?? []).map(toolCallView),
    ttft_ms: row.ttft_ms,
    latency_ms: row.latency_ms,
    tokens_prompt: row.native_tokens_prompt ?? row.tokens_prompt,
    tokens_completion: row.native_tokens_completion ?? row.tokens_completion,
    cost_usd: row.cost_usd,
    judge_cost_usd: row.judge_cost_usd ?? null,
  };
}

function checkView(c: CheckView): CheckView {
  const view: CheckView = { name: c.name, pass: c.pass, detail: c.detail };
  if (c.verdict !== undefined) view.verdict = c.verdict;
  if (c.score !== undefined) view.score = c.score;
  if (c.threshold !== undefined) view.threshold = c.threshold;
  if (c.reason !== undefined) view.reason = c.reason;
  return view;
}

function toolCallView(t: ToolCall): ToolCallView {
  const args = t.arguments as unknown;
  return { id: String(t.id ?? ''), name: String(t.name ?? ''), arguments: typeof args === 'string' ? args : JSON.stringify(args ?? null) };
}

export function baselineJoin(matrix: ResponseMatrix, limit: number | null): { add(row: ResponseRow): void; finish(): ResponseMatrix } {
  const byJob = new Map<string, ResponseCell>();
  for (const task of matrix.tasks) for (const repeats of task.cells) for (const cell of repeats) byJob.set(cell.job_id, cell);
  const joined = new Set<string>();
  return {
    add(row, text = true) {
      const cell = byJob.get(row.job_id);
      if (!cell) return;
      // A journal that was never finalized holds a job more than once: the last line wins, as everywhere.
      cell.baseline = baselineView(row, limit);
      joined.add(row.job_id);
    },
    finish: () => ({ ...matrix, baseline_jobs: joined.size }),
  };
}

/** The baseline's row of a job, as its cell shows it. */
export function baselineView(row: ResponseRow, limit: number | null): BaselineView {
  const output = cut1(row.output_text ?? '', limit);
  return { status: row.status, passed: row.passed ?? null, output, output_truncated: output.length < (row.output_text ?? '').length };
}

export interface Agreement {
  add(col: number, row: ResponseRow): void;
  /** Columns disagree when the outcomes of their repeats differ as sets: repeats may differ among themselves. */
  disagree(): boolean;
}

/** One task's outcomes per column (a digest each, so ~100 B a job while the task is open). */
export function agreement(): Agreement {
  const outcomes = new Map<number, Set<string>>();
  return {
    add(col, row) {
      let set = outcomes.get(col);
      if (!set) outcomes.set(col, (set = new Set()));
      set.add(outcomeKey(row));
    },
    disagree: () => new Set([...outcomes.values()].map((set) => [...set].sort().join('\n'))).size > 1,
  };
}

function outcomeKey(row: ResponseRow): string {
  if (row.status !== 'ok') return row.status;
  const answer = (row.output_text ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  // A digest, not the text: a 100,000-job run would otherwise hold every answer twice.
  return `${String(row.passed ?? null)}:${createHash('sha1').update(answer).digest('base64')}`;
}

/** Cut to `max` UTF-16 units without splitting a surrogate pair. */
function cut1(text: string, max: number | null): string {
  if (max === null || text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
