// Reading the journal back: which jobs finished (for a resume), and the final rows, one per job,
// with their cost records folded in (finalize, merge, show).
import type { Attempt, ErrorKind, JobResult } from '../types/result.js';
import { withEarlierAttempts } from './carry.js';
import { COSTS_FILE, costKey, RESULTS_FILE, type CostRecord } from './journal.js';
import { jsonlLines, openJsonlAt, type JsonlAt } from './jsonl.js';

export interface JournalState {
  /** Status of the last row for each job_id. */
  last: Map<string, JobResult['status']>;
  /** error_kind of the last row for each job_id. */
  lastKind: Map<string, ErrorKind | null>;
  /** Line number (1-based) of the last row for each job_id. */
  lastLine: Map<string, number>;
  torn: number;
}

/** First pass over results.jsonl: which jobs finished, and how. Keeps no row text. */
export async function scanJournal(dir: string): Promise<JournalState> {
  const state: JournalState = { last: new Map(), lastKind: new Map(), lastLine: new Map(), torn: 0 };
  const rows = jsonlLines<Pick<JobResult, 'job_id' | 'status' | 'error_kind'>>(`${dir}/${RESULTS_FILE}`, { onTorn: () => state.torn++ });
  for await (const { value: row, line } of rows) {
    state.last.set(row.job_id, row.status);
    state.lastKind.set(row.job_id, row.error_kind ?? null);
    state.lastLine.set(row.job_id, line);
  }
  return state;
}

export interface FinalRowsOptions {
  /**
   * The journal was written from empty by one run (Journal.fresh): one row per job, and a cost
   * record, if any, after its row. Then no index of the jobs is needed (below).
   */
  fresh?: boolean;
}

/**
 * The final rows: the last row per job, with its cost record folded in and the billed attempts of
 * the job's earlier rows carried (carry.ts). Streams the rows; of the cost records it keeps only
 * where each one starts in generations.jsonl (the last one per job wins) and reads a record back
 * when its row comes by. Holding the parsed records instead cost ~1 KB per job: 300 MB peak for
 * 100,000 jobs (bench memory scenario).
 * A fresh journal needs neither index (freshRows).
 */
export async function* finalRows(dir: string, options: FinalRowsOptions = {}): AsyncGenerator<JobResult> {
  if (options.fresh) return yield* freshRows(dir);
  const file = `${dir}/${RESULTS_FILE}`;
  // Where each job's last row starts (the only map per job), and where the rows it replaced do.
  const last = new Map<string, number>();
  const replaced: number[] = [];
  for await (const { value, offset } of jsonlLines<Pick<JobResult, 'job_id'>>(file)) {
    const before = last.get(value.job_id);
    if (before !== undefined) replaced.push(before);
    last.set(value.job_id, offset);
  }
  const costs = await costIndex(`${dir}/${COSTS_FILE}`);
  const withCost = (row: JobResult): JobResult => {
    const cost = costs.read(costKey(row));
    return cost ? { ...row, ...cost } : row;
  };
  try {
    const earlier = replaced.length ? earlierAttempts(file, replaced, withCost) : null;
    for await (const { value: row, offset } of jsonlLines<JobResult>(file)) {
      if (last.get(row.job_id) !== offset) continue;
      const final = withCost(row);
      const carried = earlier?.get(row.job_id);
      yield carried ? withEarlierAttempts(final, carried) : final;
    }
  } finally {
    costs.close();
  }
}

/** The attempts of the replaced rows (a handful: rows are replaced only by a resume), per job, oldest first. */
function earlierAttempts(file: string, offsets: number[], withCost: (row: JobResult) => JobResult): Map<string, Attempt[]> {
  const rows = openJsonlAt<JobResult>(file);
  const out = new Map<string, Attempt[]>();
  try {
    for (const offset of offsets.sort((a, b) => a - b)) {
      const row = withCost(rows.read(offset));
      out.set(row.job_id, [...(out.get(row.job_id) ?? []), ...row.attempt_log]);
    }
  } finally {
    rows.close();
  }
  return out;
}

/**
 * A fresh journal's rows and costs, read side by side in one pass. Every row is final, and only a
 * row still `pending` has a cost record, written after the row while later jobs kept finishing:
 * the records read on the way to it belong to rows a little further on. Only those are held (as
 * offsets), so memory follows the lookups in flight during the run, not the number of jobs.
 */
async function* freshRows(dir: string): AsyncGenerator<JobResult> {
  const costs = jsonlLines<CostRecord>(`${dir}/${COSTS_FILE}`)[Symbol.asyncIterator]();
  const ahead = new Map<string, number>();
  let costsLeft = true;
  let records: JsonlAt<CostRecord> | null = null;
  try {
    for await (const { value: row } of jsonlLines<JobResult>(`${dir}/${RESULTS_FILE}`)) {
      if (row.cost_source !== 'pending') {
        yield row;
        continue;
      }
      const key = costKey(row);
      let cost: CostRecord | null = null;
      const offset = ahead.get(key);
      if (offset !== undefined) {
        ahead.delete(key);
        records ??= openJsonlAt<CostRecord>(`${dir}/${COSTS_FILE}`);
        cost = records.read(offset);
      }
      while (cost === null && costsLeft) {
        const next = await costs.next();
        if (next.done) costsLeft = false;
        else if (costKey(next.value.value) === key) cost = next.value.value;
        else ahead.set(costKey(next.value.value), next.value.offset);
      }
      yield cost ? { ...row, ...cost } : row;
    }
  } finally {
    records?.close();
    await costs.return?.(undefined);
  }
}

/** The last cost record per `job_id@started_at`, read back on demand. A torn record leaves its job the cost it had. */
async function costIndex(file: string): Promise<{ read(key: string): CostRecord | null; close(): void }> {
  const offsets = new Map<string, number>();
  for await (const { value, offset } of jsonlLines<CostRecord>(file)) offsets.set(costKey(value), offset);
  if (offsets.size === 0) return { read: () => null, close: () => {} };
  const records = openJsonlAt<CostRecord>(file);
  return {
    read: (key) => {
      const offset = offsets.get(key);
      return offset === undefined ? null : records.read(offset);
    },
    close: () => records.close(),
  };
}
