// Writes report.html and the history page: reads the chart library's browser build from
// node_modules (so the file carries it and opens offline) and a bounded, even sample of rows.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { HistoryEntry } from '../history/history.js';
import { mulberry32 } from '../stats/bootstrap.js';
import type { JobResult } from '../types/result.js';
import type { RunSummary } from '../types/summary.js';
import { renderHistoryHtml } from '../history/html.js';
import { renderRunHtml, SAMPLE_FIELDS, type SampleRow } from '../render/html.js';
import { RESULTS_FILE } from './journal.js';
import { readJsonl } from './jsonl.js';
import { writeAtomic } from './write.js';

export const REPORT_FILE = 'report.html';

/** Per-job rows embedded in report.html at most; beyond this the page holds a sample. */
export const SAMPLE_LIMIT = 2000;

let chartJs: Promise<string> | null = null;

/** Chart.js's minified UMD build. Its package exports only the module builds, so go via the main entry's folder. */
export function chartJsSource(): Promise<string> {
  const require = createRequire(import.meta.url);
  chartJs ??= readFile(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  return chartJs;
}

export async function writeRunHtml(dir: string, summary: RunSummary): Promise<string> {
  const { sample, total } = await sampleRows(join(dir, RESULTS_FILE), SAMPLE_LIMIT);
  const file = join(dir, REPORT_FILE);
  await writeAtomic(file, renderRunHtml({ summary, sample, totalRows: total, chartJs: await chartJsSource() }));
  return file;
}

export async function writeHistoryHtml(file: string, entries: HistoryEntry[], meta: { source: string }): Promise<void> {
  await writeAtomic(file, renderHistoryHtml(entries, await chartJsSource(), meta));
}

/** Reservoir sample (seeded, so a rebuilt report is identical), kept in file order. Streams. */
export async function sampleRows(file: string, limit: number): Promise<{ sample: SampleRow[]; total: number }> {
  const rand = mulberry32(0x5a3b1e);
  const kept: { at: number; row: SampleRow }[] = [];
  let total = 0;
  for await (const row of readJsonl<JobResult>(file)) {
    const slim = pick(row);
    if (total < limit) kept.push({ at: total, row: slim });
    else {
      const j = Math.floor(rand() * (total + 1));
      if (j < limit) kept[j] = { at: total, row: slim };
    }
    total++;
  }
  return { sample: kept.sort((a, b) => a.at - b.at).map((k) => k.row), total };
}

function pick(row: JobResult): SampleRow {
  const out: Record<string, unknown> = {};
  for (const field of SAMPLE_FIELDS) out[field] = row[field] ?? null;
  return out as SampleRow;
}
