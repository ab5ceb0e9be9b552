// report.html and responses.md from one streamed pass over results.jsonl (and the baseline's, joined on job_id).
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HistoryEntry } from '../history/history.js';
import type { Logger } from '../log.js';
import type { MatrixHead, ResponseRow, ResponseTask } from '../types/responses.js';
import type { RunSummary } from '../types/summary.js';
import { renderHistoryHtml } from '../history/html.js';
import { runHtmlPieces, type SampleRow } from '../render/html.js';
import { reservoir } from './report-sample.js';
import { chunkPacker, chunkSpool } from './report-chunks.js';
import { agreement, baselineJoin, baselineView, byRepeat, cellOf, matrixBuilder, matrixHead, textLimit } from '../responses/matrix.js';
import { outlineBuilder } from '../responses/outline.js';
import { responsesMarkdownHead, responsesMarkdownTask, RESPONSES_MD } from '../responses/markdown.js';
import { chartJsSource, responsesLibSources } from './browser-libs.js';
import { RESULTS_FILE } from './journal.js';
import { jsonlLines, openJsonlAt, readJsonl } from './jsonl.js';
import { writeAtomic, writeAtomicStream } from './write.js';

export { chartJsSource } from './browser-libs.js';
export { sampleRows } from './report-sample.js';
export { GZIP_ABOVE } from './report-chunks.js';

export const REPORT_FILE = 'report.html';

/** Per-job rows embedded in report.html at most; beyond this the page holds a sample. */
export const SAMPLE_LIMIT = 2000;


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

/**
 * responses.md streamed as the tasks come, their chunks packed on the way into a file beside the
 * page (`report.html.chunks.tmp-PID`, removed after); then report.html around them, read back one
 * chunk at a time: ~13 MB of gzipped chunks at a 100,000-row dataset, never held.
 */
async function writeReports(dir: string, summary: RunSummary, sample: { rows: SampleRow[]; total: number }, responses: { matrix: MatrixHead; tasks: Iterable<ResponseTask> }): Promise<RunReportFiles> {
  const { matrix, tasks } = responses;
  const html = join(dir, REPORT_FILE);
  const spool = chunkSpool(`${html}.chunks.tmp-${process.pid}`);
  try {
    const packer = chunkPacker(spool);
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
    const section = { matrix, chunks: await packer.finish(), resultsFile: RESULTS_FILE, libs };
    await writeAtomicStream(html, runHtmlPieces({ summary, sample: sample.rows, totalRows: sample.total, chartJs, responses: section }));
    return { html, markdown };
  } finally {
    spool.close();
  }
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
