// The one writer. Reports are written atomically, so a crash never leaves half a summary.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { createAggregator, type AggregatorOptions } from '../stats/aggregate.js';
import { AgentLabError, ConfigError, EXIT } from '../errors.js';
import { withChecks } from '../checks/apply.js';
import type { PairwiseLookup, VerdictLookup } from '../checks/judge.js';
import type { CodeRunner } from '../checks/evaluate.js';
import type { EstimateSummary, RunHeader, RunSummary } from '../types/summary.js';
import { CSV_COLUMNS, csvRecord } from '../render/csv.js';
import { COSTS_FILE, RESULTS_FILE } from './journal.js';
import { finalRows, type FinalRowsOptions } from './journal-read.js';
import { cleanStaleTemps } from './temps.js';

export const CSV_FILE = 'results.csv';
export const SUMMARY_FILE = 'summary.json';
export const RUN_FILE = 'run.json';

const MIN_FREE_BYTES = 16 * 1024 * 1024;

/** Create the output folder and prove it is writable, before any money is spent. */
export async function prepareOutDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true }).catch((error: unknown) => mkdirProblem(dir, error));
    const probe = join(dir, `.write-test-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe);
  } catch (error) {
    throw new ConfigError(`Cannot write to the output folder ${dir}: ${ioProblem(error)}. Choose another with --out.`);
  }
  const fs = await statfs(dir).catch(() => null);
  if (fs && fs.bavail * fs.bsize < MIN_FREE_BYTES) {
    throw new ConfigError(`The disk holding ${dir} has less than 16 MB free. Free some space or choose another --out.`);
  }
  await cleanStaleTemps(dir);
}

/** A recursive mkdir on a read-only mount says ENOENT: make the first missing level alone for the true reason. */
async function mkdirProblem(dir: string, error: unknown): Promise<never> {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  let missing = dir;
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  await mkdir(missing);
  throw error;
}

/** An I/O error in words a user acts on; the code stays in for a search. */
export function ioProblem(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const said: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'it is on a read-only file system',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
  };
  return code && said[code] ? `${said[code]} (${message})` : message;
}

export async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    // A full disk leaves a partial temp file: never litter the folder with it.
    await rm(temp, { force: true });
    throw error;
  }
}

export async function writeAtomicStream(file: string, pieces: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  const out = createWriteStream(temp, { highWaterMark: 1 << 20 });
  out.on('error', () => {});
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
  estimate?: EstimateSummary;
}

/** `checksFor` (AggregatorOptions): a row's checks by its task; leave out to keep the verdicts the rows already carry. */
export interface FinalizeOptions extends AggregatorOptions, FinalRowsOptions {
  /** The judge pass's verdicts, for the judge checks among them. */
  verdicts?: VerdictLookup;
  /** Runs the script and command checks. */
  code?: CodeRunner;
  /** The pairwise checks' verdicts. */
  pairwise?: PairwiseLookup;
}

/** Journal → final results.jsonl and results.csv, streamed. The caller writes the summary once its gates are in. */
export async function finalize(dir: string, meta: FinalizeMeta, opts: FinalizeOptions = {}): Promise<RunSummary> {
  await cleanStaleTemps(dir);
  const aggregator = createAggregator(opts);
  const jsonlTemp = join(dir, `${RESULTS_FILE}.tmp-${process.pid}`);
  const csvTemp = join(dir, `${CSV_FILE}.tmp-${process.pid}`);
  // 1 MB buffers: with the default 16 KB, finalize spent a quarter of its time waiting on drains.
  const jsonl = createWriteStream(jsonlTemp, { highWaterMark: 1 << 20 });
  // A failed write (a full disk) surfaces through drain() and close(), not as an uncaught event.
  jsonl.on('error', () => {});
  const csv = stringify({ header: true, columns: [...CSV_COLUMNS] });
  const csvDone = pipeline(csv, createWriteStream(csvTemp, { highWaterMark: 1 << 20 }));
  // Awaited below; a failure before then is seen through csv's drain, not as an unhandled rejection.
  csvDone.catch(() => {});
  try {
    for await (const journalRow of finalRows(dir, { fresh: opts.fresh })) {
      // Checks are judged here, on the row with its final cost: max_cost_usd needs /generation.
      const row = opts.checksFor ? withChecks(journalRow, opts.checksFor(journalRow), { final: true, verdicts: opts.verdicts, code: opts.code, pairwise: opts.pairwise }) : journalRow;
      aggregator.add(row);
      if (!jsonl.write(`${JSON.stringify(row)}\n`)) await drain(jsonl);
      if (!csv.write(csvRecord(row))) await drain(csv);
    }
    csv.end();
    await Promise.all([close(jsonl), csvDone]);
  } catch (error) {
    jsonl.destroy();
    csv.destroy();
    await csvDone.catch(() => {});
    await Promise.all([rm(jsonlTemp, { force: true }), rm(csvTemp, { force: true })]);
    throw new AgentLabError(
      `Could not write the final results in ${dir}: ${ioProblem(error)}. Nothing was lost: the journal is as it was and the temporary files are removed. Free some space, then run \`agent-lab resume ${dir}\` to write them.`,
      EXIT.jobs_failed,
    );
  }
  await rename(jsonlTemp, join(dir, RESULTS_FILE));
  await rename(csvTemp, join(dir, CSV_FILE));
  await rm(join(dir, COSTS_FILE), { force: true });
  return aggregator.finish(meta);
}

export async function writeSummary(dir: string, summary: RunSummary): Promise<void> {
  await writeAtomic(join(dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
}

/** Resolves on 'drain'; rejects when the stream fails or closes first (a full disk), instead of waiting for ever. */
function drain(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.errored || stream.destroyed) return reject(stream.errored ?? new Error('the file was closed'));
    const done = (error?: Error | null) => {
      stream.off('drain', onDrain);
      stream.off('error', done);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(stream.errored ?? new Error('the file was closed'));
    stream.on('drain', onDrain).on('error', done).on('close', onClose);
  });
}

function close(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}
