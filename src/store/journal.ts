// The crash-safe journal: rows and costs appended, folded into one results.jsonl at the end (journal-read.ts).
import { closeSync, createWriteStream, existsSync, fstatSync, openSync, readSync, statSync, writeSync, type WriteStream } from 'node:fs';
import type { JobResult } from '../types/result.js';

export const RESULTS_FILE = 'results.jsonl';
export const COSTS_FILE = 'generations.jsonl';

/** The fields applyGeneration fills in: what a cost record carries. */
const COST_FIELDS = [
  'attempt_log', 'native_tokens_prompt', 'native_tokens_completion', 'native_tokens_reasoning', 'native_tokens_cached',
  'cost_usd', 'cost_estimate_usd', 'spent_usd', 'cost_source', 'or_latency_ms', 'or_generation_time_ms', 'provider',
] as const satisfies readonly (keyof JobResult)[];
export type CostRecord = Pick<JobResult, 'job_id' | 'started_at' | (typeof COST_FIELDS)[number]>;

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
  // A row is in the kernel before row() returns (~10 µs), or a kill -9 loses it and a resume pays
  // again. Costs can wait in a stream: a lost one is only looked up again.
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

/** After a kill -9 mid-write the file may end in half a line: the first new row starts a line of its own. */
function appender(file: string, onError: (error: Error) => void): WriteStream {
  const torn = endsMidLine(file);
  const stream = createWriteStream(file, { flags: 'a' });
  stream.on('error', onError);
  if (torn) stream.write('\n');
  return stream;
}

export class RunFolderGone extends Error {
  constructor(readonly dir: string) {
    super(`the run folder ${dir} was deleted`);
  }
}

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
        // The loop is for the rare short write.
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

function end(stream: WriteStream): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.end();
  });
}
