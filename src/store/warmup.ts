// warmup.jsonl: the rows of the warmup requests (`--warmup`), apart from results.jsonl so no
// statistic, resume or merge ever takes them for jobs. A row is appended when the request ends
// and again with its cost; the last line of a request (job_id@started_at) is the one that counts.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import Big from 'big.js';
import type { JobResult } from '../types/result.js';
import type { WarmupSummary } from '../types/summary.js';
import { costKey } from './journal.js';
import { readJsonl } from './jsonl.js';

export const WARMUP_FILE = 'warmup.jsonl';

/** Appends rows; a failed write is reported once, and never stops the run (these rows are in no figure). */
export function openWarmupLog(dir: string, warn: (message: string) => void): { row(row: JobResult): void } {
  let failed = false;
  return {
    row(row) {
      if (failed) return;
      try {
        appendFileSync(join(dir, WARMUP_FILE), `${JSON.stringify(row)}\n`);
      } catch (error) {
        failed = true;
        warn(`cannot write ${WARMUP_FILE} (${(error as Error).message}): warmup rows are not kept`);
      }
    },
  };
}

/** The warmup requests of every session of the run, each once (its last line); [] without the file. */
export async function readWarmup(dir: string): Promise<JobResult[]> {
  const rows = new Map<string, JobResult>();
  for await (const row of readJsonl<JobResult>(join(dir, WARMUP_FILE))) {
    const earlier = rows.get(costKey(row));
    // The cost line carries no answer text: keep the first line's.
    rows.set(costKey(row), earlier ? { ...row, output_text: earlier.output_text, reasoning_text: earlier.reasoning_text } : row);
  }
  return [...rows.values()];
}

export function warmupSummary(rows: readonly JobResult[]): WarmupSummary {
  const spent = rows.filter((r) => r.spent_usd !== null);
  return {
    requests: rows.length,
    ok: rows.filter((r) => r.status === 'ok').length,
    errors: rows.filter((r) => r.status === 'error').length,
    spent_usd: spent.length ? spent.reduce((sum, r) => sum.plus(r.spent_usd!), new Big(0)).toNumber() : null,
  };
}
