// The crash-safe journal. results.jsonl gets a job's row the moment the job ends;
// generations.jsonl gets its costs when /generation answers. Both are append-only during a
// run; at the end they are folded into one compacted results.jsonl (one row per job).
import { closeSync, createWriteStream, existsSync, fstatSync, openSync, readSync, statSync, writeSync, type WriteStream } from 'node:fs';
import type { Attempt, ErrorKind, JobResult } from '../types/result.js';
import { withEarlierAttempts } from './carry.js';
import { jsonlLines, openJsonlAt, type JsonlAt } from './jsonl.js';

export const RESULTS_FILE = 'results.jsonl';
export const COSTS_FILE = 'generations.jsonl';

/** The fields applyGeneration fills in: what a cost record carries. */
const COST_FIELDS = [
  'attempt_log', 'native_tokens_prompt', 'native_tokens_completion', 'native_tokens_reasoning', 'native_tokens_cached',
  'cost_usd', 'cost_estimate_usd', 'spent_usd', 'cost_source', 'or_latency_ms', 'or_generation_time_ms', 'provider',
] as const satisfies readonly (keyof JobResult)[];
type CostRecord = Pick<JobResult, 'job_id' | 'started_at' | (typeof COST_FIELDS)[number]>;

/** The key a row's cost record goes by: a job's rows differ by when they started. */
export const costKey = (row: Pick<JobResult, 'job_id' | 'started_at'>): string => `${row.job_id}@${row.started_at}`;

export interface Journal {
  /** Both files were empty when the run opened them: one row per job, each cost after its row (finalRows' `fresh`). */
  readonly fresh: boolean;
  row(row: JobResult): void;
  cost(row: JobResult): void;
  /** The first write that failed (a full disk, a folder removed under the run), or null. */
  failure(): Error | null;
  /** Look whether results.jsonl is still in a folder (a deleted folder takes no error: writes go on into a file nobody can see). */
  check(): void;
  /** Flush and close both files. Never rejects for a failed write: see failure(). */
  close(): Promise<void>;
}

/** `onFailure` hears about the first failed write once, so the caller can stop sending jobs. */
export function openJournal(dir: string, onFailure?: (error: Error) => void): Journal {
  let failed: Error | null = null;
  const fail = (error: Error) => {
    if (failed) return;
    failed = error;
    onFailure?.(error);
  };
  // A row is in the kernel before row() returns: a write queued in a stream for a few ms would be
  // lost to a kill -9, and a resume would pay for that job again. One small write per job is
  // ~10 µs; costs can wait in a stream (a lost one is only looked up again, never re-sent).
  const fresh = isEmpty(`${dir}/${RESULTS_FILE}`) && isEmpty(`${dir}/${COSTS_FILE}`);
  const rows = syncAppender(`${dir}/${RESULTS_FILE}`, fail);
  const costs = appender(`${dir}/${COSTS_FILE}`, fail);
  return {
    fresh,
    row: (row) => {
      if (failed) return;
      rows.write(`${JSON.stringify(row)}\n`);
      if (rows.unlinked()) fail(new RunFolderGone(dir));
    },
    cost: (row) => {
      if (failed) return;
      const record: Record<string, unknown> = { job_id: row.job_id, started_at: row.started_at };
      for (const field of COST_FIELDS) record[field] = row[field];
      costs.write(`${JSON.stringify(record)}\n`);
    },
    failure: () => failed,
    check: () => {
      if (!failed && rows.unlinked()) fail(new RunFolderGone(dir));
    },
    close: async () => {
      rows.close();
      await end(costs);
    },
  };
}

/**
 * Append to a journal file. After a kill -9 mid-write the file may end in half a line; the
 * first new row must start on a line of its own, or it would be glued to the torn one and lost.
 */
function appender(file: string, onError: (error: Error) => void): WriteStream {
  const torn = endsMidLine(file);
  const stream = createWriteStream(file, { flags: 'a' });
  stream.on('error', onError);
  if (torn) stream.write('\n');
  return stream;
}

/** The run folder was deleted under the run: results.jsonl has no name left. */
export class RunFolderGone extends Error {
  constructor(readonly dir: string) {
    super(`the run folder ${dir} was deleted`);
  }
}

/** The results journal: synchronous appends, so a finished job's row survives a kill of the process. */
function syncAppender(file: string, onError: (error: Error) => void): { write(line: string): void; unlinked(): boolean; close(): void } {
  let fd: number | null = null;
  try {
    const torn = endsMidLine(file);
    fd = openSync(file, 'a');
    if (torn) writeSync(fd, '\n');
  } catch (error) {
    onError(error as Error);
  }
  return {
    write(line) {
      if (fd === null) return;
      try {
        // A regular file takes the whole line at once; the loop is for the rare short write.
        const written = writeSync(fd, line);
        const bytes = written < line.length ? Buffer.from(line) : null;
        if (bytes) for (let done = written; done < bytes.length; ) done += writeSync(fd, bytes, done);
      } catch (error) {
        onError(error as Error);
      }
    },
    unlinked() {
      try {
        return fd !== null && fstatSync(fd).nlink === 0;
      } catch {
        return false;
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

function isEmpty(file: string): boolean {
  return !existsSync(file) || statSync(file).size === 0;
}

function endsMidLine(file: string): boolean {
  if (!existsSync(file)) return false;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** Resolves once the stream is flushed and closed, or at once if it already failed. */
function end(stream: WriteStream): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.end();
  });
}

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
