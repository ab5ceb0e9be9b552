// One model × system prompt's running figures (a row at a time), its provider parts, and its summary. Pure.
import Big from 'big.js';
import type { ErrorKind, JobResult } from '../types/result.js';
import type { GroupKey, GroupSummary, MetricStats, ProviderSummary } from '../types/summary.js';
import { createJudgeFigures, totalCost } from './judge.js';
import { metricStats } from './metric-stats.js';
import { wilson } from './wilson.js';

const METRICS = ['ttft_ms', 'ttfc_ms', 'latency_ms', 'itl_ms', 'output_tps'] as const;

type Metric = (typeof METRICS)[number];

export interface Group extends GroupKey {
  n: number;
  ok: number;
  errors: number;
  skipped: number;
  error_kinds: Partial<Record<ErrorKind, number>>;
  cached: number;
  values: Record<Metric, number[]>;
  /** Sums of the known counts; null until a row has one (an unknown is not a 0). */
  native_tokens_prompt: number | null;
  native_tokens_completion: number | null;
  native_tokens_reasoning: number | null;
  /** Rows with a native prompt count: the estimate is compared over these jobs only. */
  native_prompt_n: number;
  /** Running sums in exact decimals (big.js) and how many rows had a figure. */
  cost_total: Big;
  cost_n: number;
  cost_pending: number;
  spent_total: Big;
  spent_n: number;
  providers: Record<string, number>;
  cached_total: Big;
  cached_n: number;
  checked: number;
  passed: number;
  slo_checked: number;
  slo_met: number;
  /** The same figures per served provider (null: unknown); null on a provider's own group. Its timing values live here, not in `values`. */
  byProvider: Map<string, Group> | null;
  judge: ReturnType<typeof createJudgeFigures>;
}

/** A group's timing values are its parts' (its providers', or for `overall` its groups'): one copy, not two. */
export function gatherValues(g: Group, parts: Group[]): void {
  for (const metric of METRICS) {
    const lists = parts.map((p) => p.values[metric]);
    g.values[metric] = lists.length === 1 ? lists[0]! : lists.flat();
  }
}

export function newGroup(model: string, model_label: string, system_prompt_id: string, split = true): Group {
  return {
    model,
    model_label,
    system_prompt_id,
    n: 0,
    ok: 0,
    errors: 0,
    skipped: 0,
    error_kinds: {},
    cached: 0,
    values: { ttft_ms: [], ttfc_ms: [], latency_ms: [], itl_ms: [], output_tps: [] },
    native_tokens_prompt: null,
    native_prompt_n: 0,
    native_tokens_completion: null,
    native_tokens_reasoning: null,
    cost_total: new Big(0),
    cost_n: 0,
    cost_pending: 0,
    spent_total: new Big(0),
    spent_n: 0,
    providers: {},
    cached_total: new Big(0),
    cached_n: 0,
    checked: 0,
    passed: 0,
    slo_checked: 0,
    slo_met: 0,
    byProvider: split ? new Map() : null,
    judge: createJudgeFigures(),
  };
}

export function addTo(g: Group, row: JobResult, keepValues = true): void {
  if (g.byProvider) {
    const name = row.provider ?? 'unknown';
    let part = g.byProvider.get(name);
    if (!part) g.byProvider.set(name, (part = newGroup(g.model, g.model_label, g.system_prompt_id, false)));
    addTo(part, row, keepValues);
    keepValues = false;
  }
  g.n++;
  if (row.status === 'ok') g.ok++;
  else if (row.status === 'skipped') g.skipped++;
  else g.errors++;
  if (row.error_kind) g.error_kinds[row.error_kind] = (g.error_kinds[row.error_kind] ?? 0) + 1;
  if (row.cache_hit) addCached(g, row, g.byProvider === null);
  // Timing statistics describe good answers only; a failed attempt's latency is not a model's speed,
  // and a cached answer was not timed by this run (its own timing is in cached_*).
  if (row.status === 'ok' && keepValues && !row.cache_hit) {
    for (const metric of METRICS) {
      const value = row[metric];
      if (value !== null) g.values[metric].push(value);
    }
  }
  // Totals count every billed job, failed ones too (they were paid for); timing above does not.
  // A cache hit billed nothing: its token counts are its answer's, not this run's.
  if (row.native_tokens_prompt !== null && !row.cache_hit) {
    g.native_tokens_prompt = (g.native_tokens_prompt ?? 0) + row.native_tokens_prompt;
    g.native_prompt_n++;
  }
  if (row.native_tokens_completion !== null && !row.cache_hit) g.native_tokens_completion = (g.native_tokens_completion ?? 0) + row.native_tokens_completion;
  if (row.native_tokens_reasoning !== null && !row.cache_hit) g.native_tokens_reasoning = (g.native_tokens_reasoning ?? 0) + row.native_tokens_reasoning;
  // A group with parts takes its exact sums from them at the end (partSums): big.js is most of a row's cost here.
  const exact = g.byProvider === null;
  if (row.cost_usd !== null) {
    if (exact) g.cost_total = g.cost_total.plus(row.cost_usd);
    g.cost_n++;
  }
  if (row.cost_source === 'pending') g.cost_pending++;
  if (row.spent_usd !== null) {
    if (exact) g.spent_total = g.spent_total.plus(row.spent_usd);
    g.spent_n++;
  }
  if (row.provider) g.providers[row.provider] = (g.providers[row.provider] ?? 0) + 1;
  // Only ok rows carry a verdict (passed is null otherwise): an API error is not a wrong
  // answer, so it stays out of the pass rate and CI can tell exit 1 from exit 3.
  if (row.status === 'ok' && typeof row.passed === 'boolean') {
    g.checked++;
    if (row.passed) g.passed++;
  }
  // Rows written before slo_met existed have none: unknown, not missed.
  if (typeof row.slo_met === 'boolean') {
    g.slo_checked++;
    if (row.slo_met) g.slo_met++;
  }
  g.judge.add(row);
}

function addCached(g: Group, row: JobResult, exact: boolean): void {
  g.cached++;
  if (row.cost_cached_usd !== null) {
    if (exact) g.cached_total = g.cached_total.plus(row.cost_cached_usd);
    g.cached_n++;
  }
}

/** A group's exact money sums, from its parts (one per provider). */
export function partSums(g: Group, parts: Group[]): void {
  const sum = (key: 'cost_total' | 'spent_total' | 'cached_total') => parts.reduce((total, p) => total.plus(p[key]), new Big(0));
  g.cost_total = sum('cost_total');
  g.spent_total = sum('spent_total');
  g.cached_total = sum('cached_total');
}

export function summarise(g: Group): GroupSummary {
  const judge = g.judge.finish();
  const stats = Object.fromEntries(METRICS.map((m) => [m, metricStats(g.values[m])])) as Record<Metric, MetricStats>;
  return {
    model: g.model,
    model_label: g.model_label,
    system_prompt_id: g.system_prompt_id,
    n: g.n,
    ok: g.ok,
    errors: g.errors,
    skipped: g.skipped,
    error_kinds: g.error_kinds,
    cached: g.cached,
    ...stats,
    native_tokens_prompt: g.native_tokens_prompt,
    native_tokens_completion: g.native_tokens_completion,
    native_tokens_reasoning: g.native_tokens_reasoning,
    cost_usd: g.cost_n ? g.cost_total.toNumber() : null,
    cost_pending: g.cost_pending,
    spent_usd: g.spent_n ? g.spent_total.toNumber() : null,
    providers: g.providers,
    cost_cached_usd: g.cached_n ? g.cached_total.toNumber() : null,
    checked: g.checked,
    passed: g.passed,
    pass_rate: g.checked ? g.passed / g.checked : null,
    pass_rate_ci95: wilson(g.passed, g.checked),
    slo_checked: g.slo_checked,
    slo_met: g.slo_met,
    slo_met_rate: g.slo_checked ? g.slo_met / g.slo_checked : null,
    slo_met_rate_ci95: wilson(g.slo_met, g.slo_checked),
    ...(g.byProvider ? { by_provider: byProvider(g.byProvider) } : {}),
    // Only a run with judged checks has the judge's figures: an absent judge is not a 0 (history, metrics).
    ...(judge.judge_scored || judge.checks_errored || judge.judge_cost_usd !== null
      ? { ...judge, total_cost_usd: totalCost(g.cost_n ? g.cost_total.toNumber() : null, judge.judge_cost_usd) }
      : {}),
  };
}

/** Per served provider, by name, `unknown` (no provider named) last. */
function byProvider(parts: Map<string, Group>): Record<string, ProviderSummary> {
  const names = [...parts.keys()].sort((a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(
    names.map((name) => {
      const { model: _m, model_label: _l, system_prompt_id: _p, providers: _s, ...figures } = summarise(parts.get(name)!);
      return [name, figures];
    }),
  );
}
