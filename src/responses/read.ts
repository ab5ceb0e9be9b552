// A run folder into the response matrix, streamed through finalRows, so a killed run reads too.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { RESULTS_FILE } from '../store/journal.js';
import { finalRows } from '../store/journal-read.js';
import { SUMMARY_FILE } from '../store/write.js';
import type { ResponseColumn, ResponseMatrix, ResponseRow } from '../types/responses.js';
import type { GroupKey, RunSummary } from '../types/summary.js';
import { matrixBuilder } from './matrix.js';

/** `full`: kept with its text · `bare`: kept without text (it only holds a place) · `skip`: only its column counts. */
export type Keep = 'full' | 'bare' | 'skip';

export interface ReadOptions {
  keep?: (row: ResponseRow) => Keep;
}

export interface ReadResult {
  matrix: ResponseMatrix;
  /** Kept or not: for a helpful "no such task". */
  taskIds: string[];
}

export async function readRunMatrix(dir: string, where: string, options: ReadOptions = {}): Promise<ReadResult> {
  if (!existsSync(join(dir, RESULTS_FILE))) throw new ConfigError(`${where} has no ${RESULTS_FILE}: expected a run folder.`);
  const builder = matrixBuilder({ columnOrder: await columnOrder(dir) });
  const taskIds = new Set<string>();
  for await (const row of finalRows(dir) as AsyncGenerator<ResponseRow>) {
    taskIds.add(row.task_id);
    const keep = options.keep?.(row) ?? 'full';
    if (keep === 'skip') builder.see(row);
    else builder.add(row, keep === 'full');
  }
  return { matrix: builder.finish(), taskIds: [...taskIds] };
}

export async function readRunColumns(dir: string, where: string): Promise<ResponseColumn[]> {
  const order = await columnOrder(dir);
  if (order.length) return matrixBuilder({ columnOrder: order }).finish().columns;
  return (await readRunMatrix(dir, where, { keep: () => 'skip' })).matrix.columns;
}

/** summary.json's groups give the columns the order every report uses; a killed run has none. */
async function columnOrder(dir: string): Promise<GroupKey[]> {
  try {
    return (JSON.parse(await readFile(join(dir, SUMMARY_FILE), 'utf8')) as RunSummary).groups ?? [];
  } catch {
    return [];
  }
}
