// report.html's per-job charts embed an even sample of the rows: a seeded reservoir, so a rebuilt report is identical.
import { mulberry32 } from '../stats/bootstrap.js';
import { SAMPLE_FIELDS, type SampleRow } from '../render/html.js';
import type { ResponseRow } from '../types/responses.js';
import { readJsonl } from './jsonl.js';

/** Reservoir sample (seeded, so a rebuilt report is identical), kept in file order. */
export function reservoir(limit: number) {
  const rand = mulberry32(0x5a3b1e);
  const kept: { at: number; row: SampleRow }[] = [];
  let total = 0;
  return {
    add(row: ResponseRow) {
      if (total < limit) kept.push({ at: total, row: pick(row) });
      else {
        const j = Math.floor(rand() * (total + 1));
        if (j < limit) kept[j] = { at: total, row: pick(row) };
      }
      total++;
    },
    finish: () => ({ rows: kept.sort((a, b) => a.at - b.at).map((k) => k.row), total }),
  };
}

export async function sampleRows(file: string, limit: number): Promise<{ sample: SampleRow[]; total: number }> {
  const sample = reservoir(limit);
  for await (const row of readJsonl<ResponseRow>(file)) sample.add(row);
  const { rows, total } = sample.finish();
  return { sample: rows, total };
}

function pick(row: ResponseRow): SampleRow {
  const out: Record<string, unknown> = {};
  for (const field of SAMPLE_FIELDS) out[field] = row[field] ?? null;
  return out as SampleRow;
}
