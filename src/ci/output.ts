// What a CI job reads once results are final (`run` and `merge`): gates, --junit, $GITHUB_STEP_SUMMARY.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Env } from '../env.js';
import { evaluateGates, type GateResult, type Gates } from './gates.js';
import type { Logger } from '../log.js';
import { renderGates } from '../render/gates.js';
import { RESULTS_FILE } from '../store/journal.js';
import { jsonlLines } from '../store/jsonl.js';
import { appendStepSummary } from '../store/step-summary.js';
import { writeJunitFile } from './junit-file.js';
import { junitGroups } from '../render/junit.js';
import { MAX_FAILED, renderSummaryMarkdown, type FailedRow } from '../render/summary-md.js';
import type { JobResult } from '../types/result.js';
import type { RunSummary } from '../types/summary.js';

/** Call before the summary is written: the verdicts go into it. */
export function applyGates(summary: RunSummary, gates: Gates, env: Env): GateResult[] {
  const results = evaluateGates(summary, gates);
  if (results.length === 0) return results;
  env.stdout.write(renderGates(results));
  summary.gates = results;
  return results;
}

export interface CiFiles {
  outDir: string;
  summary: RunSummary;
  gates: readonly GateResult[];
  junit?: string;
  exitCode: number;
  note?: string;
}

/** One pass over the rows. A failure to write either is a warning: the results are safe. */
export async function writeCiFiles(input: CiFiles, env: Env, logger: Logger): Promise<void> {
  const stepSummary = env.env.GITHUB_STEP_SUMMARY;
  if (!input.junit && !stepSummary) return;
  const results = join(input.outDir, RESULTS_FILE);
  const suites = junitGroups<number>();
  const failed: FailedRow[] = [];
  let failedTotal = 0;
  for await (const { value: row, offset } of jsonlLines<JobResult>(results)) {
    if (input.junit) suites.add(row, offset);
    if (row.passed !== false) continue;
    if (failed.length < MAX_FAILED) failed.push({ task_id: row.task_id, model_label: row.model_label, system_prompt_id: row.system_prompt_id, repeat: row.repeat, checks: row.checks });
    failedTotal++;
  }
  if (input.junit) {
    const file = resolve(env.cwd, input.junit);
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeJunitFile(file, results, suites.list(), input.summary, input.gates);
    } catch (error) {
      logger.warn(`Could not write the JUnit file ${file}: ${(error as Error).message}`);
    }
  }
  if (stepSummary) {
    const md = renderSummaryMarkdown({ summary: input.summary, gates: input.gates, failed, failedTotal, note: input.note, exitCode: input.exitCode });
    const problem = await appendStepSummary(env.env, md);
    if (problem) logger.warn(problem);
  }
}
