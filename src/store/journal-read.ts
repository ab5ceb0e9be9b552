// Reading the journal back: which jobs finished (resume), and the final row per job (finalize, merge, show).
import type { Attempt, ErrorKind, JobResult } from '../types/result.js';
import { withEarlierAttempts } from './carry.js';
import { COSTS_FILE, costKey, RESULTS_FILE, type CostRecord } from './journal.js';
import { jsonlLines, openJsonlAt, type JsonlAt } from './jsonl.js';

/** Per job_id, from its last row. */
export interface JournalState {
  last: Map<string, JobResult['status']>;
  lastKind: Map<string, ErrorKind | null>;
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
  /** Written from empty by one run (Journal.fresh): one row per job, each cost after its row, so no index. */
  fresh?: boolean;
}

/** The last row per job, costs in, earlier attempts carried. Costs are held as offsets: parsed, 300 MB at 100,000 jobs. */
export async function* finalRows(dir: string, options: FinalRowsOptions = {}): AsyncGenerator<JobResult> {
  if (options.fresh) return yield* freshRows(dir);
  const file = `${dir}/${RESULTS_FILE}`;
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

/** A `pending` row's cost comes after it; records read ahead are held as offsets, so memory follows lookups in flight. */
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
