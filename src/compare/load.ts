// Read one side of a comparison: a run folder (summary.json plus the per-job samples from
// results.jsonl, so significance is tested on the real distributions) or a bare summary.json
// (counts and percentiles only: latency, token and cost significance are then unavailable).
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createAggregator } from '../stats/aggregate.js';
import { createConsistency, type TaskTally } from '../stats/consistency.js';
import { tasksFromSummary } from './flips.js';
import { ConfigError } from '../errors.js';
import { RESULTS_FILE } from '../store/journal.js';
import { readJsonl } from '../store/jsonl.js';
import { SUMMARY_FILE } from '../store/write.js';
import { groupId, type RunSummary } from '../types/summary.js';
import type { JobResult } from '../types/result.js';

/** Per-job values of one group, from ok rows only, cache hits left out (as in summary.json). */
export interface Samples {
  latency_ms: number[];
  ttft_ms: number[];
  /** Native prompt + completion tokens. */
  tokens: number[];
  cost_usd: number[];
  /** Each judged job's mean judge score. */
  score: number[];
}

export interface CompareSide {
  /** What the user passed. */
  path: string;
  /** The run folder (or the folder holding summary.json): where compare.md goes by default. */
  dir: string;
  summary: RunSummary;
  /** Keyed by groupId; null when only summary.json was given. */
  samples: Map<string, Samples> | null;
  /** Each task's pass state: every task from results.jsonl, else the repeated ones summary.json lists; null when unknown. */
  tasks: TaskTally[] | null;
}

export async function readSide(path: string): Promise<CompareSide> {
  if (!existsSync(path)) throw new ConfigError(`${path} does not exist: expected a run folder or a summary.json file.`);
  if (statSync(path).isDirectory()) {
    const rowsFile = join(path, RESULTS_FILE);
    const summaryFile = join(path, SUMMARY_FILE);
    if (!existsSync(summaryFile) && !existsSync(rowsFile)) throw new ConfigError(`${path} is not a run folder: it has neither ${SUMMARY_FILE} nor ${RESULTS_FILE}.`);
    const samples = new Map<string, Samples>();
    // A run killed before its end has rows but no summary: summarise them the same way, as they stream.
    const aggregator = existsSync(summaryFile) ? null : createAggregator();
    const consistency = createConsistency();
    let runId: string | undefined;
    for await (const row of readJsonl<JobResult>(rowsFile)) {
      runId ??= row.run_id;
      aggregator?.add(row);
      consistency.add(row);
      // A cache hit was not timed (its timing fields are null) and billed nothing: no sample at all.
      if (row.status !== 'ok' || row.cache_hit) continue;
      const key = groupId(row);
      let s = samples.get(key);
      if (!s) samples.set(key, (s = { latency_ms: [], ttft_ms: [], tokens: [], cost_usd: [], score: [] }));
      if (row.latency_ms !== null) s.latency_ms.push(row.latency_ms);
      if (row.ttft_ms !== null) s.ttft_ms.push(row.ttft_ms);
      if (row.native_tokens_prompt !== null || row.native_tokens_completion !== null) s.tokens.push((row.native_tokens_prompt ?? 0) + (row.native_tokens_completion ?? 0));
      if (row.cost_usd !== null) s.cost_usd.push(row.cost_usd);
      const scores = (row.checks ?? []).map((c) => c.score).filter((x): x is number => typeof x === 'number');
      if (scores.length) s.score.push(scores.reduce((a, b) => a + b, 0) / scores.length);
    }
    const summary = aggregator
      ? aggregator.finish({ run_id: runId ?? basename(path), suite: '?', started_at: '', finished_at: '', status: 'interrupted' })
      : await readSummary(summaryFile);
    const rows = existsSync(rowsFile);
    return { path, dir: path, summary, samples: rows ? samples : null, tasks: rows ? consistency.all() : tasksFromSummary(summary) };
  }
  const summary = await readSummary(path);
  return { path, dir: join(path, '..'), summary, samples: null, tasks: tasksFromSummary(summary) };
}

async function readSummary(file: string): Promise<RunSummary> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const s = parsed as Partial<RunSummary>;
  if (!s || !Array.isArray(s.groups) || typeof s.overall !== 'object') throw new ConfigError(`${file} is not an agent-lab summary.json (no groups/overall).`);
  return s as RunSummary;
}
