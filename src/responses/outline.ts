// Pure: report.html's first pass over results.jsonl, kept flat. A row is three numbers (its task,
// its column, its byte offset) and a task its id, first send and two flags: ~100 B a task where
// gridBuilder's objects took ~750 B (77 MB at a 100,000-row dataset). The order is gridBuilder's.
import type { MatrixHead, ResponseRow } from '../types/responses.js';
import type { GroupKey } from '../types/summary.js';
import { columnIndex, cuts, isFailing } from './matrix.js';

/** A task as the second pass reads it back: its cells as byte offsets, each column's in journal order. */
export interface OutlineTask {
  task_id: string;
  /** The offset of its first row in the journal: the row whose vars the task shows. */
  first: number;
  cells: number[][];
  failing: boolean;
  errors: boolean;
}

export interface Outline {
  head: Omit<MatrixHead, 'baseline_jobs'>;
  /** In suite order (job_index, else first send, else first seen). */
  tasks(): Generator<OutlineTask>;
}

const FAILING = 1;
const ERRORS = 2;

export function outlineBuilder(options: { columnOrder?: readonly GroupKey[]; limit: number | null }): { add(row: ResponseRow, offset: number): void; finish(): Outline } {
  const columns = columnIndex(options.columnOrder ?? []);
  const seq = new Map<string, number>();
  // By task (its number in first-seen order).
  const ids: string[] = [];
  const index: number[] = []; // lowest job_index; NaN: none yet
  const firstSend: string[] = [];
  const firstOffset: number[] = [];
  const flags: number[] = [];
  // By row, in journal order.
  const taskOf: number[] = [];
  const columnOf: number[] = [];
  const offsets: number[] = [];
  let truncated = 0;
  return {
    add(row, offset) {
      let t = seq.get(row.task_id);
      if (t === undefined) {
        seq.set(row.task_id, (t = ids.length));
        ids.push(row.task_id);
        index.push(NaN);
        firstSend.push(row.started_at);
        firstOffset.push(offset);
        flags.push(0);
      }
      if (row.started_at < firstSend[t]!) firstSend[t] = row.started_at;
      if (row.job_index != null && !(row.job_index >= index[t]!)) index[t] = row.job_index;
      truncated += cuts(row, options.limit);
      flags[t]! |= (isFailing({ passed: row.passed ?? null, checks: row.checks ?? [] }) ? FAILING : 0) | (row.status !== 'ok' ? ERRORS : 0);
      taskOf.push(t);
      columnOf.push(columns.see(row));
      offsets.push(offset);
    },
    finish() {
      const order = ids.map((_, t) => t).sort((a, b) => {
        const [x, y] = [index[a]!, index[b]!];
        if (!Number.isNaN(x) && !Number.isNaN(y) && x !== y) return x - y;
        return firstSend[a]! < firstSend[b]! ? -1 : firstSend[a]! > firstSend[b]! ? 1 : a - b;
      });
      const rank = new Array<number>(ids.length);
      order.forEach((t, r) => (rank[t] = r));
      // Rows by task rank, then column, then journal order: each cell's repeats as gridBuilder pushed them.
      const rows = taskOf.map((_, i) => i).sort((a, b) => rank[taskOf[a]!]! - rank[taskOf[b]!]! || columnOf[a]! - columnOf[b]! || a - b);
      const failing = flags.filter((f) => f & FAILING).length;
      const errors = flags.filter((f) => f & ERRORS).length;
      const width = columns.list.length;
      return {
        head: { columns: columns.list, jobs: offsets.length, limit: options.limit, truncated, task_count: ids.length, failing_tasks: failing, error_tasks: errors },
        *tasks() {
          let i = 0;
          for (const t of order) {
            const cells = Array.from({ length: width }, (): number[] => []);
            for (; i < rows.length && taskOf[rows[i]!] === t; i++) cells[columnOf[rows[i]!]!]!.push(offsets[rows[i]!]!);
            yield { task_id: ids[t]!, first: firstOffset[t]!, cells, failing: (flags[t]! & FAILING) !== 0, errors: (flags[t]! & ERRORS) !== 0 };
          }
        },
      };
    },
  };
}
