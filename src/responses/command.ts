// `agent-lab show DIR`. Each mode keeps only the rows it prints: one pass, no answers held.
import { relative, resolve } from 'node:path';
import type { Env } from '../env.js';
import { ConfigError, EXIT, type ExitCode } from '../errors.js';
import type { ResponseMatrix } from '../types/responses.js';
import { resolveColumn } from './columns.js';
import { isFailedJob } from './matrix.js';
import { columnTitle } from './figures.js';
import { readRunColumns, readRunMatrix, type ReadOptions } from './read.js';
import { failedCells, painter, renderDiffs, renderFailed, renderOverview, renderTask, type DiffEntry } from './text.js';
import { wordDiff } from './word-diff.js';

export interface ShowOptions {
  dir: string;
  task?: string;
  failed?: boolean;
  diff?: string[];
  json?: boolean;
}

export async function runShowCommand(opts: ShowOptions, env: Env): Promise<ExitCode> {
  if (opts.diff && opts.diff.length !== 2) throw new ConfigError('`--diff` takes two columns, e.g. `--diff 1 2` (numbers as `agent-lab show DIR` lists them).');
  if (opts.diff && opts.failed) throw new ConfigError('Use `--diff` or `--failed`, not both.');
  const dir = resolve(env.cwd, opts.dir);
  const where = relative(env.cwd, dir) || '.';
  const colour = env.stdout.isTTY && !env.env.NO_COLOR && !opts.json;
  const paint = painter(colour);
  const read = (options: ReadOptions) => readRunMatrix(dir, where, options);
  const print = (text: string) => env.stdout.write(text);
  const json = (value: unknown) => print(`${JSON.stringify(value, null, 2)}\n`);
  const forTask = (task_id: string) => opts.task === undefined || task_id === opts.task;

  if (opts.diff) {
    const columns = await readRunColumns(dir, where);
    const pair = [resolveColumn(opts.diff[0]!, columns), resolveColumn(opts.diff[1]!, columns)] as const;
    if (pair[0] === pair[1]) throw new ConfigError(`\`--diff\` needs two different columns; both name ${columnTitle(columns, pair[0])}.`);
    const key = (c: { model: string; system_prompt_id: string }) => `${c.model}\u0000${c.system_prompt_id}`;
    const wanted = new Set(pair.map((c) => key(columns[c]!)));
    const { matrix, taskIds } = await read({ keep: (row) => (forTask(row.task_id) && wanted.has(key(row)) ? 'full' : 'skip') });
    checkTask(opts.task, taskIds);
    const entries = diffEntries(matrix, pair);
    if (opts.json) return json({ a: column(matrix, pair[0]), b: column(matrix, pair[1]), diffs: entries.map(({ a, b, ...e }) => ({ ...e, repeat: e.at + 1, a_job_id: a?.job_id ?? null, b_job_id: b?.job_id ?? null })) }), EXIT.ok;
    return print(renderDiffs(matrix.columns, pair, entries, paint, colour)), EXIT.ok;
  }
  if (opts.failed) {
    // The others stay, bare, so "repeat 2 of 3" counts every repeat, not only the failing ones.
    const { matrix, taskIds } = await read({ keep: (row) => (!forTask(row.task_id) ? 'skip' : isFailedJob(row) ? 'full' : 'bare') });
    checkTask(opts.task, taskIds);
    const failed = failedCells(matrix);
    if (opts.json) return json({ columns: matrix.columns, failed: failed.map((f) => ({ task_id: f.task_id, column: f.column + 1, column_name: matrix.columns[f.column]!.name, repeat: f.at + 1, of: f.of, cell: f.cell })) }), EXIT.ok;
    return print(renderFailed(matrix, failed, paint)), EXIT.ok;
  }
  if (opts.task !== undefined) {
    const { matrix, taskIds } = await read({ keep: (row) => (forTask(row.task_id) ? 'full' : 'skip') });
    checkTask(opts.task, taskIds);
    const task = matrix.tasks[0]!;
    if (opts.json) return json({ columns: matrix.columns, task }), EXIT.ok;
    return print(renderTask(matrix, task, paint)), EXIT.ok;
  }
  const { matrix } = await read({ keep: () => (opts.json ? 'full' : 'bare') });
  if (opts.json) return json(matrix), EXIT.ok;
  return print(renderOverview(matrix, where, paint)), EXIT.ok;
}

function checkTask(task: string | undefined, taskIds: readonly string[]): void {
  if (task === undefined || taskIds.includes(task)) return;
  const known = taskIds.slice(0, 20).join(', ') + (taskIds.length > 20 ? `, … (${taskIds.length} in all)` : '');
  throw new ConfigError(`No task "${task}" in this run. Tasks: ${known || '(none: the run has no rows)'}`);
}

const column = (m: ResponseMatrix, c: number) => ({ number: c + 1, ...m.columns[c]! });

function diffEntries(m: ResponseMatrix, [ca, cb]: readonly [number, number]): DiffEntry[] {
  return m.tasks.flatMap((t) => {
    const as = t.cells[ca]!;
    const bs = t.cells[cb]!;
    const of = Math.max(as.length, bs.length);
    return Array.from({ length: of }, (_, at) => {
      const a = as[at] ?? null;
      const b = bs[at] ?? null;
      const parts = a && b && a.status === 'ok' && b.status === 'ok' ? wordDiff(a.output, b.output) : null;
      return { task_id: t.task_id, at, of, a, b, parts };
    });
  });
}
