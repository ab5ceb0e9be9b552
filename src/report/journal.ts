// The crash-safe journal. results.jsonl gets a job's row the moment the job ends;
// generations.jsonl gets its costs when /generation answers. Both are append-only during a
// run; at the end they are folded into one compacted results.jsonl (one row per job).
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { JobResult } from '../types.js';

export const RESULTS_FILE = 'results.jsonl';
export const COSTS_FILE = 'generations.jsonl';

/** The fields applyGeneration fills in: what a cost record carries. */
const COST_FIELDS = [
  'attempt_log', 'native_tokens_prompt', 'native_tokens_completion', 'native_tokens_reasoning', 'native_tokens_cached',
  'cost_usd', 'spent_usd', 'cost_source', 'or_latency_ms', 'or_generation_time_ms', 'provider',
] as const satisfies readonly (keyof JobResult)[];
type CostRecord = Pick<JobResult, 'job_id' | 'started_at' | (typeof COST_FIELDS)[number]>;

export interface Journal {
  row(row: JobResult): void;
  cost(row: JobResult): void;
  /** Flush and close both files. */
  close(): Promise<void>;
}

export function openJournal(dir: string): Journal {
  // One write per job, handed to the OS at once; libuv batches writes that queue up.
  const rows = createWriteStream(`${dir}/${RESULTS_FILE}`, { flags: 'a' });
  const costs = createWriteStream(`${dir}/${COSTS_FILE}`, { flags: 'a' });
  return {
    row: (row) => void rows.write(`${JSON.stringify(row)}\n`),
    cost: (row) => {
      const record: Record<string, unknown> = { job_id: row.job_id, started_at: row.started_at };
      for (const field of COST_FIELDS) record[field] = row[field];
      costs.write(`${JSON.stringify(record)}\n`);
    },
    close: async () => {
      await Promise.all([end(rows), end(costs)]);
    },
  };
}

function end(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/** Parsed lines of a JSONL file. A torn line (a crash mid-write) is skipped and counted. */
export async function* readJsonl<T>(file: string, onTorn?: (line: number) => void): AsyncGenerator<T> {
  if (!existsSync(file)) return;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as T;
    } catch {
      onTorn?.(n);
    }
  }
}

export interface JournalState {
  /** Status of the last row for each job_id. */
  last: Map<string, JobResult['status']>;
  /** Line number (1-based) of the last row for each job_id. */
  lastLine: Map<string, number>;
  torn: number;
}

/** First pass over results.jsonl: which jobs finished, and how. Keeps no row text. */
export async function scanJournal(dir: string): Promise<JournalState> {
  const state: JournalState = { last: new Map(), lastLine: new Map(), torn: 0 };
  let line = 0;
  const file = `${dir}/${RESULTS_FILE}`;
  if (!existsSync(file)) return state;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      const row = JSON.parse(text) as Pick<JobResult, 'job_id' | 'status'>;
      state.last.set(row.job_id, row.status);
      state.lastLine.set(row.job_id, line);
    } catch {
      state.torn++;
    }
  }
  return state;
}

/** The final rows: the last row per job, with its cost record folded in. Streams; keeps costs only. */
export async function* finalRows(dir: string): AsyncGenerator<JobResult> {
  const state = await scanJournal(dir);
  const costs = new Map<string, CostRecord>();
  for await (const record of readJsonl<CostRecord>(`${dir}/${COSTS_FILE}`)) costs.set(`${record.job_id}@${record.started_at}`, record);
  const file = `${dir}/${RESULTS_FILE}`;
  if (!existsSync(file)) return;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let row: JobResult;
    try {
      row = JSON.parse(text) as JobResult;
    } catch {
      continue;
    }
    if (state.lastLine.get(row.job_id) !== line) continue;
    const cost = costs.get(`${row.job_id}@${row.started_at}`);
    yield cost ? { ...row, ...cost } : row;
  }
}
