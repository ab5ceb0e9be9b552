// report.html and responses.md from one streamed pass over results.jsonl (and the baseline's, joined on job_id).
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGzip, gzip } from 'node:zlib';
import type { HistoryEntry } from '../history/history.js';
import type { Logger } from '../log.js';
import type { MatrixHead, ResponseRow, ResponseTask } from '../types/responses.js';
import type { RunSummary } from '../types/summary.js';
import { renderHistoryHtml } from '../history/html.js';
import { runHtmlPieces, type SampleRow } from '../render/html.js';
import { reservoir } from './report-sample.js';
import { chunkBounds, type ResponsesSection } from '../render/html-responses.js';
import { agreement, baselineJoin, baselineView, byRepeat, cellOf, matrixBuilder, matrixHead, textLimit } from '../responses/matrix.js';
import { outlineBuilder } from '../responses/outline.js';
import { responsesMarkdownHead, responsesMarkdownTask, RESPONSES_MD } from '../responses/markdown.js';
import { chartJsSource, responsesLibSources } from './browser-libs.js';
import { RESULTS_FILE } from './journal.js';
import { jsonlLines, openJsonlAt, readJsonl } from './jsonl.js';
import { writeAtomic, writeAtomicStream } from './write.js';

export { chartJsSource } from './browser-libs.js';
export { sampleRows } from './report-sample.js';

const gzipAsync = promisify(gzip);

export const REPORT_FILE = 'report.html';

/** Per-job rows embedded in report.html at most; beyond this the page holds a sample. */
export const SAMPLE_LIMIT = 2000;

/** Embedded answers bigger than this travel gzipped: a 10,000-job page shrinks several-fold and opens faster. */
export const GZIP_ABOVE = 512 * 1024;

export interface RunReportOptions {
  baseline?: string | null;
}

export interface RunReportFiles {
  html: string;
  markdown: string;
}

/**
 * Two passes over results.jsonl: the first keeps the matrix's outline and each cell's byte offset
 * (and a sample for the charts), the second reads the cells back a task at a time into
 * responses.md and report.html's chunks. The whole matrix was ~500 B a job (48 MB at 100,000);
 * the outline is ~100 B a task and 24 B a row (responses/outline.ts).
 */
export async function writeRunReports(dir: string, summary: RunSummary, options: RunReportOptions = {}): Promise<RunReportFiles> {
  const file = join(dir, RESULTS_FILE);
  const sample = reservoir(SAMPLE_LIMIT);
  const limit = textLimit(summary.overall.n);
  const outliner = outlineBuilder({ columnOrder: summary.groups, limit });
  const baseline = options.baseline ? baselineResults(options.baseline) : null;
  // job_id → its baseline row's offset (null: none yet); only with a baseline.
  const joined = baseline ? new Map<string, number | null>() : null;
  let repeated = false;
  for await (const { value: row, offset } of jsonlLines<ResponseRow>(file)) {
    sample.add(row);
    outliner.add(row, offset);
    if (joined) {
      repeated ||= joined.has(row.job_id);
      joined.set(row.job_id, null);
    }
  }
  // A job twice (a journal never finalized) gets its baseline on one cell only: baselineJoin knows which.
  if (repeated) return writeReports(dir, summary, sample.finish(), await joinedMatrix(file, baseline!, summary.groups, limit));
  if (baseline && joined) {
    for await (const { value: row, offset } of jsonlLines<ResponseRow>(baseline)) if (joined.has(row.job_id)) joined.set(row.job_id, offset);
  }
  const outline = outliner.finish();
  const baselineJobs = joined ? [...joined.values()].filter((at) => at !== null).length : 0;
  const rows = openJsonlAt<ResponseRow>(file);
  const baseRows = baseline && baselineJobs ? openJsonlAt<ResponseRow>(baseline) : null;
  try {
    // Each task's cells are read as it is written, and let go after; so are its outcomes, for `disagree`.
    function* tasks(): Generator<ResponseTask> {
      for (const t of outline.tasks()) {
        const outcomes = agreement();
        let vars: ResponseTask['vars'] = {};
        const cells = t.cells.map((offsets, col) =>
          byRepeat(offsets.map((offset) => {
            const row = rows.read(offset);
            if (offset === t.first) vars = row.vars ?? {};
            outcomes.add(col, row);
            const cell = cellOf(row, limit);
            const at = joined?.get(row.job_id);
            if (baseRows && at != null) cell.baseline = baselineView(baseRows.read(at), limit);
            return cell;
          })),
        );
        yield { task_id: t.task_id, vars, cells, failing: t.failing, errors: t.errors, disagree: outcomes.disagree() };
      }
    }
    return await writeReports(dir, summary, sample.finish(), { matrix: { ...outline.head, baseline_jobs: baselineJobs }, tasks: tasks() });
  } finally {
    rows.close();
    baseRows?.close();
  }
}

/** The matrix built whole, with baselineJoin: for the rare folder whose journal holds a job twice. */
async function joinedMatrix(file: string, baseline: string, columnOrder: RunSummary['groups'], limit: number): Promise<{ matrix: MatrixHead; tasks: Iterable<ResponseTask> }> {
  const builder = matrixBuilder({ columnOrder, limit });
  for await (const row of readJsonl<ResponseRow>(file)) builder.add(row);
  const joiner = baselineJoin(builder.finish(), limit);
  for await (const row of readJsonl<ResponseRow>(baseline)) joiner.add(row);
  const matrix = joiner.finish();
  return { matrix: matrixHead(matrix), tasks: matrix.tasks };
}

/** responses.md streamed as the tasks come, their chunks packed on the way; then report.html around the chunks. */
async function writeReports(dir: string, summary: RunSummary, sample: { rows: SampleRow[]; total: number }, responses: { matrix: MatrixHead; tasks: Iterable<ResponseTask> }): Promise<RunReportFiles> {
  const { matrix, tasks } = responses;
  const packer = chunkPacker();
  async function* markdownPieces(): AsyncGenerator<string> {
    yield responsesMarkdownHead(matrix, summary);
    for (const task of tasks) {
      await packer.add(task);
      yield* responsesMarkdownTask(task, matrix.columns);
    }
  }
  const markdown = join(dir, RESPONSES_MD);
  await writeAtomicStream(markdown, markdownPieces());
  const [chartJs, libs] = await Promise.all([chartJsSource(), responsesLibSources()]);
  const html = join(dir, REPORT_FILE);
  const section = { matrix, chunks: await packer.finish(), resultsFile: RESULTS_FILE, libs };
  await writeAtomicStream(html, runHtmlPieces({ summary, sample: sample.rows, totalRows: sample.total, chartJs, responses: section }));
  return { html, markdown };
}

/** writeRunReports for the end of a run or a merge: the results are safe already, so a failure here is a warning. */
export async function writeRunReportsOrWarn(dir: string, summary: RunSummary, options: RunReportOptions, logger: Logger): Promise<void> {
  try {
    await writeRunReports(dir, summary, options);
  } catch (error) {
    logger.warn(`Could not write ${REPORT_FILE} and ${RESPONSES_MD}: ${(error as Error).message}`);
  }
}

export async function writeHistoryHtml(file: string, entries: HistoryEntry[], meta: { source: string }): Promise<void> {
  await writeAtomic(file, renderHistoryHtml(entries, await chartJsSource(), meta));
}

function baselineResults(path: string): string | null {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, RESULTS_FILE) : join(dirname(path), RESULTS_FILE);
  return existsSync(file) ? file : null;
}

/**
 * The tasks into chunks (chunkBounds), each packed as it is made: JSON while all of them fit
 * GZIP_ABOVE, else every one gzipped, a chunk streamed into its gzip a task at a time (deflate's
 * bytes do not depend on how its input is split), so no chunk is ever one string.
 */
function chunkPacker(): { add(task: ResponseTask): Promise<void>; finish(): Promise<ResponsesSection['chunks']> } {
  const bounds = chunkBounds();
  const json: string[] = [];
  const zipped: string[] = [];
  let size = 0;
  // The open chunk: its text so far while it may stay JSON, or its gzip once it cannot.
  let part: string[] = [];
  let length = 0;
  let zip: ReturnType<typeof gzipText> | null = null;
  const piece = async (text: string, closing = false) => {
    if (zip) return zip.write(text);
    part.push(text);
    length += text.length;
    // An open chunk ends with `]` at least: past this, the page is gzipped, the JSON kept so far first.
    if (zipped.length || size + length + (closing ? 0 : 1) > GZIP_ABOVE) {
      for (const kept of json.splice(0)) zipped.push(await zipWhole(kept));
      zip = gzipText();
      for (const text of part.splice(0)) await zip.write(text);
    }
  };
  const close = async () => {
    if (length === 0 && !zip) await piece('[');
    await piece(']', true);
    if (zip) zipped.push(await zip.end());
    else {
      json.push(part.join(''));
      size += length;
    }
    [part, length, zip] = [[], 0, null];
  };
  return {
    async add(task) {
      const text = JSON.stringify(task);
      await piece(length === 0 && !zip ? '[' : ',');
      await piece(text);
      if (bounds.full(text)) await close();
    },
    async finish() {
      if (bounds.pending()) await close();
      return zipped.length ? { encoding: 'gzip-base64', texts: zipped } : { encoding: 'json', texts: json };
    },
  };
}

// Level 4 is 3× faster than the default 6 on answers, for 15 % more bytes.
const GZIP_LEVEL = 4;

const zipWhole = async (text: string) => ((await gzipAsync(text, { level: GZIP_LEVEL })) as Buffer).toString('base64');

/** A gzip fed in pieces, as base64 at the end. */
function gzipText(): { write(text: string): Promise<void>; end(): Promise<string> } {
  const zip = createGzip({ level: GZIP_LEVEL });
  const out: Buffer[] = [];
  zip.on('data', (data: Buffer) => out.push(data));
  const done = finished(zip);
  done.catch(() => {});
  return {
    async write(text) {
      if (!zip.write(text)) await Promise.race([once(zip, 'drain'), done]);
    },
    async end() {
      zip.end();
      await done;
      return Buffer.concat(out).toString('base64');
    },
  };
}
