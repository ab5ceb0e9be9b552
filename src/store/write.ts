// The one writer: decides where bytes go. Reports are written atomically (temp file + rename)
// so a crash never leaves half a summary; only the journal is appended in place.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify';
import { createAggregator, type AggregatorOptions } from '../stats/aggregate.js';
import { ConfigError } from '../errors.js';
import { withChecks } from '../checks/apply.js';
import type { CheckSpec } from '../types/job.js';
import type { EstimateSummary, RunHeader, RunSummary } from '../types/summary.js';
import type { JobResult } from '../types/result.js';
import { CSV_COLUMNS, csvRecord } from '../render/csv.js';
import { COSTS_FILE, finalRows, RESULTS_FILE, type FinalRowsOptions } from './journal.js';

export const CSV_FILE = 'results.csv';
export const SUMMARY_FILE = 'summary.json';
export const RUN_FILE = 'run.json';

/** Less free space than this fails the run before the first request. */
const MIN_FREE_BYTES = 16 * 1024 * 1024;

/** Create the output folder and prove it is writable, before any money is spent. */
export async function prepareOutDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.write-test-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe);
  } catch (error) {
    throw new ConfigError(`Cannot write to the output folder ${dir}: ${(error as Error).message}. Choose another with --out.`);
  }
  const fs = await statfs(dir).catch(() => null);
  if (fs && fs.bavail * fs.bsize < MIN_FREE_BYTES) {
    throw new ConfigError(`The disk holding ${dir} has less than 16 MB free. Free some space or choose another --out.`);
  }
}

export async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, file);
}

/** writeAtomic for text too big to hold at once: the pieces are streamed to the temp file. */
export async function writeAtomicStream(file: string, pieces: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  const out = createWriteStream(temp, { highWaterMark: 1 << 20 });
  try {
    for await (const piece of pieces) if (!out.write(piece)) await drain(out);
    await close(out);
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
  await rename(temp, file);
}

export interface FinalizeMeta extends RunHeader {
  /** Times the runner lowered its concurrency after 429s (rate adaptation). */
  throttles?: number;
  /** The plan's cost estimate, to set against the actual cost. */
  estimate?: EstimateSummary;
}

export interface FinalizeOptions extends AggregatorOptions, FinalRowsOptions {
  /** A row's checks (by its task); leave out to keep the verdicts the rows already carry (merge). */
  checksFor?: (row: JobResult) => readonly CheckSpec[] | undefined;
}

/**
 * Fold the journal into its final form: one results.jsonl row per job (costs merged) and
 * results.csv — streaming, so a 100k-job run stays flat in memory. Returns the summary, which
 * the caller writes once with writeSummary when its gates are in.
 */
export async function finalize(dir: string, meta: FinalizeMeta, opts: FinalizeOptions = {}): Promise<RunSummary> {
  const aggregator = createAggregator(opts);
  const jsonlTemp = join(dir, `${RESULTS_FILE}.tmp-${process.pid}`);
  const csvTemp = join(dir, `${CSV_FILE}.tmp-${process.pid}`);
  // 1 MB buffers: with the default 16 KB, finalize spent a quarter of its time waiting on drains.
  const jsonl = createWriteStream(jsonlTemp, { highWaterMark: 1 << 20 });
  const csvFile = createWriteStream(csvTemp, { highWaterMark: 1 << 20 });
  const csv = stringify({ header: true, columns: [...CSV_COLUMNS] });
  csv.pipe(csvFile);
  for await (const journalRow of finalRows(dir, { fresh: opts.fresh })) {
    // Checks are judged here, on the row with its final cost: max_cost_usd needs /generation.
    const row = opts.checksFor ? withChecks(journalRow, opts.checksFor(journalRow)) : journalRow;
    aggregator.add(row);
    if (!jsonl.write(`${JSON.stringify(row)}\n`)) await drain(jsonl);
    if (!csv.write(csvRecord(row))) await drain(csv);
  }
  const csvDone = once(csvFile, 'close');
  csv.end();
  await Promise.all([close(jsonl), csvDone]);
  await rename(jsonlTemp, join(dir, RESULTS_FILE));
  await rename(csvTemp, join(dir, CSV_FILE));
  // The costs are in results.jsonl now; the side journal has done its job.
  await rm(join(dir, COSTS_FILE), { force: true });
  return aggregator.finish(meta);
}

export async function writeSummary(dir: string, summary: RunSummary): Promise<void> {
  await writeAtomic(join(dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
}

function drain(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.once('drain', resolve));
}

function close(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}
