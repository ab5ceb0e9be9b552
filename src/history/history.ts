// One line per finished run (a trend without a database); one O_APPEND write, so two runs cannot interleave.
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readJsonl } from '../store/jsonl.js';
import type { GroupKey, GroupSummary, RunStatus, RunSummary } from '../types/summary.js';
import { judgeOfGroup, type JudgeFigures } from './judge-hook.js';

export const HISTORY_FILE = 'history.jsonl';

/** One model × system prompt of one run. Unknown values are null, never 0. */
export interface HistoryGroup extends GroupKey, JudgeFigures {
  n: number;
  ok: number;
  errors: number;
  /** Share of checked jobs that passed; null when no job had checks. */
  pass_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
  /** Sums of the known native counts; null when none is known. */
  native_tokens_prompt: number | null;
  native_tokens_completion: number | null;
  /** Sum of known costs; null when none is known. */
  cost_usd: number | null;
  cost_pending: number;
  // Added for the metrics export (src/metrics/): absent on lines written before, read as unknown.
  ttft_p90_ms?: number | null;
  ttft_p95_ms?: number | null;
  ttft_p99_ms?: number | null;
  latency_p90_ms?: number | null;
  latency_p99_ms?: number | null;
  output_tps_p50?: number | null;
  native_tokens_reasoning?: number | null;
  providers?: Record<string, number>;
  /** Answered from the response cache (cost 0, no timing). */
  cached?: number;
  /** Share of the requests judged against the speed checks that met them; null when none was; absent in older lines. */
  slo_met_rate?: number | null;
}

export interface HistoryEntry {
  run_id: string;
  /** When the run finished. */
  time: string;
  started_at: string;
  suite: string;
  suite_sha256: string | null;
  status: RunStatus;
  dir: string;
  /** Not a real model's numbers. */
  mock: boolean;
  groups: HistoryGroup[];
}

export function historyEntry(summary: RunSummary, run: { suite_sha256: string | null; dir: string; mock: boolean }): HistoryEntry {
  return {
    run_id: summary.run_id,
    time: summary.finished_at,
    started_at: summary.started_at,
    suite: summary.suite,
    suite_sha256: run.suite_sha256,
    status: summary.status,
    dir: run.dir,
    mock: run.mock,
    groups: summary.groups.map(historyGroup),
  };
}

function historyGroup(g: GroupSummary): HistoryGroup {
  return {
    model: g.model,
    model_label: g.model_label,
    system_prompt_id: g.system_prompt_id,
    n: g.n,
    ok: g.ok,
    errors: g.errors,
    pass_rate: g.pass_rate ?? null,
    latency_p50_ms: g.latency_ms.p50,
    latency_p95_ms: g.latency_ms.p95 ?? null,
    ttft_p50_ms: g.ttft_ms.p50,
    native_tokens_prompt: g.native_tokens_prompt,
    native_tokens_completion: g.native_tokens_completion,
    cost_usd: g.cost_usd,
    cost_pending: g.cost_pending,
    ttft_p90_ms: g.ttft_ms.p90,
    ttft_p95_ms: g.ttft_ms.p95 ?? null,
    ttft_p99_ms: g.ttft_ms.p99,
    latency_p90_ms: g.latency_ms.p90,
    latency_p99_ms: g.latency_ms.p99,
    output_tps_p50: g.output_tps.p50,
    native_tokens_reasoning: g.native_tokens_reasoning,
    providers: g.providers,
    ...judgeOfGroup(g),
    cached: g.cached,
    slo_met_rate: g.slo_met_rate ?? null,
  };
}

export async function appendHistory(file: string, entry: HistoryEntry): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(file, 'a');
  try {
    await handle.write(`${JSON.stringify(entry)}\n`);
  } finally {
    await handle.close();
  }
}

/** Oldest first; a resumed run's later line replaces its earlier one. */
export async function readHistory(file: string): Promise<HistoryEntry[]> {
  const byRun = new Map<string, HistoryEntry>();
  for await (const entry of readJsonl<HistoryEntry>(file)) {
    if (!entry || typeof entry.run_id !== 'string' || !Array.isArray(entry.groups)) continue;
    byRun.delete(entry.run_id);
    byRun.set(entry.run_id, entry);
  }
  return [...byRun.values()].sort((a, b) => a.time.localeCompare(b.time));
}

export interface HistoryFilter {
  suite?: string;
  model?: string;
  since?: Date;
}

export function filterHistory(entries: HistoryEntry[], filter: HistoryFilter): HistoryEntry[] {
  const since = filter.since?.toISOString();
  return entries
    .filter((e) => (filter.suite === undefined || e.suite === filter.suite) && (since === undefined || e.time >= since))
    .map((e) => (filter.model === undefined ? e : { ...e, groups: e.groups.filter((g) => g.model === filter.model || g.model_label === filter.model) }))
    .filter((e) => e.groups.length > 0);
}
