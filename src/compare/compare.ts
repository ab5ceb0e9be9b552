// Pure: two runs in, one row per model × system prompt × metric out, with its delta and whether the
// change is significant: Newcombe for rates, Mann-Whitney for medians and per-job figures, a seeded
// bootstrap for p95s (from MIN_P95_JOBS a side). A `--fail-on` rule fails only on a significant
// change past its threshold; one that cannot be tested is listed as untested, never as a failure.
import { bootstrapQuantileDiff, mean } from '../stats/bootstrap.js';
import { mannWhitney } from '../stats/mann-whitney.js';
import { newcombe } from '../stats/newcombe.js';
import { formatSigned } from '../format.js';
import { groupId, type GroupKey, type GroupSummary, type MetricStats } from '../types/summary.js';
import { crosses, type FailRule } from './fail-on.js';
import type { CompareSide, Samples } from './load.js';
import { COMPARE_METRICS, METRIC_INFO, type CompareMetric } from './metrics.js';
import { findFlips, flipText, type TaskFlip } from './flips.js';

/** Two-sided level below which a test calls a change significant. */
export const ALPHA = 0.05;
/** Fewer ok jobs than this on a side: no p95 test. */
export const MIN_P95_JOBS = 20;

export interface CompareRow extends GroupKey {
  metric: CompareMetric;
  /** Rates as fractions (0..1), latencies in ms, tokens per job, cost per job in USD. */
  baseline: number | null;
  current: number | null;
  /** Percentage points for rates, percent for the rest; null when a side is unknown (or 0 for %). */
  delta: number | null;
  /** null: no test possible (no samples, or too few values). */
  significant: boolean | null;
  /** Which test decided, with its number: `newcombe [-12.1, 3.4] pp`, `mann-whitney p=0.003`. */
  test: string;
  /** The change is in the metric's bad direction (regardless of significance). */
  worse: boolean | null;
  /** The --fail-on rules this row fails. */
  failed: string[];
}

export interface Comparison {
  baseline: { path: string; run_id: string; suite: string; per_job: boolean };
  current: { path: string; run_id: string; suite: string; per_job: boolean };
  rows: CompareRow[];
  /** Groups that only one side has (model · prompt). */
  only_baseline: string[];
  only_current: string[];
  rules: FailRule[];
  /** Every rule failure, one line each; empty when the gate passes. */
  failures: string[];
  /** Changes past a rule's threshold that could not be tested for significance: not failures. */
  untested: string[];
  notes: string[];
  /** Tasks whose pass state changed (compare/flips.ts): listed, never tested; null when a side has no per-task states. */
  task_flips: TaskFlip[] | null;
}

export type CompareVerdict = 'none' | 'pass' | 'fail' | 'unknown';

/**
 * The --fail-on verdict: `unknown` when there are rules but no model × system prompt is in both
 * runs (a renamed prompt id or model), so nothing was checked — not a pass (exit 1, as a gate
 * that could not be measured), or a CI gate would pass forever without comparing anything.
 */
export function compareVerdict(c: Pick<Comparison, 'rules' | 'failures' | 'rows'> & Partial<Pick<Comparison, 'task_flips'>>): CompareVerdict {
  if (c.rules.length === 0) return 'none';
  if (c.failures.length) return 'fail';
  // A task_flips rule with no per-task states on a side counted nothing: not a pass.
  if (c.task_flips === null && c.rules.some((r) => r.metric === 'task_flips')) return 'unknown';
  return c.rows.length ? 'pass' : 'unknown';
}

export function compareRuns(base: CompareSide, cur: CompareSide, rules: FailRule[] = []): Comparison {
  const baseGroups = new Map(base.summary.groups.map((g) => [groupId(g), g]));
  const curGroups = new Map(cur.summary.groups.map((g) => [groupId(g), g]));
  const rows: CompareRow[] = [];
  const failures: string[] = [];
  const untested: string[] = [];
  for (const [key, c] of curGroups) {
    const b = baseGroups.get(key);
    if (!b) continue;
    const bs = base.samples?.get(key) ?? null;
    const cs = cur.samples?.get(key) ?? null;
    const perJob = base.samples !== null && cur.samples !== null;
    for (const metric of COMPARE_METRICS) {
      // A suite without speed checks keeps the table it had: no slo row of dashes.
      if (metric === 'slo_met_rate' && !b.slo_checked && !c.slo_checked) continue;
      // Runs without a judge have no score to compare: no row that can only say '-'.
      if (metric === 'score' && b.judge_score == null && c.judge_score == null) continue;
      const row = withDirection(compareMetric(metric, b, c, perJob ? (bs ?? emptySamples()) : null, perJob ? (cs ?? emptySamples()) : null));
      for (const rule of rules) {
        if (rule.metric !== metric || !crosses(rule, row.delta) || row.significant === false) continue;
        const line = `${c.model_label} · ${c.system_prompt_id}: ${METRIC_INFO[metric].label} ${formatDelta(metric, row.delta)}`;
        if (row.significant === null) untested.push(`${line} is past ${rule.text} but untested (${row.test})`);
        else {
          row.failed.push(rule.text);
          failures.push(`${line} fails ${rule.text} (${row.test})`);
        }
      }
      rows.push(row);
    }
  }
  const name = (g: GroupSummary) => `${g.model_label} · ${g.system_prompt_id}`;
  const notes: string[] = [];
  const flips = base.tasks && cur.tasks ? findFlips(base.tasks, cur.tasks) : null;
  for (const rule of rules) if (rule.metric === 'task_flips' && flips && flips.length > rule.value) failures.push(`${flips.length} task(s) flipped, more than ${rule.value} (${rule.text}): ${flips.slice(0, 5).map(flipText).join('; ')}${flips.length > 5 ? '; …' : ''}`);
  if (rules.some((r) => r.metric === 'task_flips') && !flips) untested.push('task_flips: a side has no per-task pass states (no checks, or a summary.json without repeated tasks)');
  if (!base.samples || !cur.samples) {
    notes.push(`${!base.samples ? 'The baseline' : 'The current run'} is a bare summary.json: latency, TTFT, token and cost significance is unavailable (it needs results.jsonl), so --fail-on rules on those metrics cannot fail; compare run folders for that.`);
  }
  return {
    baseline: sideInfo(base),
    current: sideInfo(cur),
    rows,
    only_baseline: [...baseGroups].filter(([k]) => !curGroups.has(k)).map(([, g]) => name(g)),
    only_current: [...curGroups].filter(([k]) => !baseGroups.has(k)).map(([, g]) => name(g)),
    rules,
    failures,
    untested,
    notes,
    task_flips: flips,
  };
}

function sideInfo(side: CompareSide) {
  return { path: side.path, run_id: side.summary.run_id, suite: side.summary.suite, per_job: side.samples !== null };
}

const emptySamples = (): Samples => ({ latency_ms: [], ttft_ms: [], tokens: [], cost_usd: [], score: [] });

function compareMetric(metric: CompareMetric, b: GroupSummary, c: GroupSummary, bs: Samples | null, cs: Samples | null): CompareRow {
  const base = { model: c.model, model_label: c.model_label, system_prompt_id: c.system_prompt_id, metric, failed: [] as string[] };
  // A seed per group and metric: the verdict on the same two runs never changes.
  const seed = hash(`${c.model}\u0000${c.system_prompt_id}\u0000${metric}`);
  switch (metric) {
    case 'pass_rate':
      return { ...base, ...rate(b.passed ?? 0, b.checked ?? 0, c.passed ?? 0, c.checked ?? 0, 'no checked jobs on one side') };
    case 'error_rate':
      return { ...base, ...rate(b.errors, b.n - b.skipped, c.errors, c.n - c.skipped, 'no jobs sent on one side') };
    case 'slo_met_rate':
      return { ...base, ...rate(b.slo_met ?? 0, b.slo_checked ?? 0, c.slo_met ?? 0, c.slo_checked ?? 0, 'no request judged against the SLO on one side') };
    case 'p50_latency':
      return { ...base, ...median(b.latency_ms, c.latency_ms, bs?.latency_ms, cs?.latency_ms) };
    case 'p50_ttft':
      return { ...base, ...median(b.ttft_ms, c.ttft_ms, bs?.ttft_ms, cs?.ttft_ms) };
    case 'p95_latency':
      return { ...base, ...p95(b.latency_ms, c.latency_ms, bs?.latency_ms, cs?.latency_ms, seed) };
    case 'p95_ttft':
      return { ...base, ...p95(b.ttft_ms, c.ttft_ms, bs?.ttft_ms, cs?.ttft_ms, seed) };
    case 'tokens':
      return { ...base, ...perJob(tokensPerJob(b), tokensPerJob(c), bs?.tokens, cs?.tokens) };
    case 'cost':
      return { ...base, ...perJob(costPerJob(b), costPerJob(c), bs?.cost_usd, cs?.cost_usd) };
    case 'score': {
      const baseline = b.judge_score ?? null;
      const current = c.judge_score ?? null;
      const delta = baseline === null || current === null ? null : Math.round((current - baseline) * 10000) / 10000;
      return { ...base, baseline, current, delta, ...rankVerdict(bs?.score, cs?.score) };
    }
  }
}

type Verdict = Pick<CompareRow, 'baseline' | 'current' | 'delta' | 'significant' | 'test' | 'worse'>;

function rate(k1: number, n1: number, k2: number, n2: number, none: string): Verdict {
  const baseline = n1 > 0 ? k1 / n1 : null;
  const current = n2 > 0 ? k2 / n2 : null;
  const delta = baseline === null || current === null ? null : (current - baseline) * 100;
  const ci = newcombe(k1, n1, k2, n2);
  const significant = ci === null ? null : ci[0] > 0 || ci[1] < 0;
  const test = ci === null ? none : `newcombe [${formatSigned(ci[0] * 100)}, ${formatSigned(ci[1] * 100)}] pp`;
  return { baseline, current, delta, significant, test, worse: null };
}

function median(b: MetricStats, c: MetricStats, bs: number[] | undefined, cs: number[] | undefined): Verdict {
  return { ...pct(b.p50, c.p50), ...rankVerdict(bs, cs) };
}

function rankVerdict(bs: number[] | undefined, cs: number[] | undefined): Pick<Verdict, 'significant' | 'test' | 'worse'> {
  if (!bs || !cs) return { significant: null, test: 'needs results.jsonl', worse: null };
  if (bs.length === 0 || cs.length === 0) return { significant: null, test: 'no ok jobs on one side', worse: null };
  const { p } = mannWhitney(bs, cs);
  // No p-value with samples on both sides means every value is the same: no change at all.
  if (p === null) return { significant: false, test: 'all values equal', worse: null };
  return { significant: p < ALPHA, test: `mann-whitney ${fmtP(p)}`, worse: null };
}

function p95(b: MetricStats, c: MetricStats, bs: number[] | undefined, cs: number[] | undefined, seed: number): Verdict {
  // summary.json files written before p95 existed have none: unknown, not 0.
  const { baseline, current, delta } = pct(b.p95 ?? null, c.p95 ?? null);
  if (bs && cs && Math.min(bs.length, cs.length) < MIN_P95_JOBS) {
    return { baseline, current, delta, significant: null, test: `n=${Math.min(bs.length, cs.length)}: too few jobs for a p95 test (${MIN_P95_JOBS}+)`, worse: null };
  }
  return { baseline, current, delta, ...bootstrapVerdict(bs, cs, 0.95, seed, baseline) };
}

function perJob(baseline: number | null, current: number | null, bs: number[] | undefined, cs: number[] | undefined): Verdict {
  // With per-job samples the means come from them (ok jobs with a known value), so the number
  // shown and the number tested are the same; a bare summary gives a total ÷ jobs estimate.
  if (bs && cs) {
    baseline = bs.length ? mean(bs) : null;
    current = cs.length ? mean(cs) : null;
  }
  const d = pct(baseline, current);
  return { ...d, ...rankVerdict(bs, cs) };
}

function bootstrapVerdict(bs: number[] | undefined, cs: number[] | undefined, q: number, seed: number, baseline: number | null) {
  if (!bs || !cs) return { significant: null, test: 'needs results.jsonl', worse: null };
  const ci = bootstrapQuantileDiff(bs, cs, q, { seed });
  if (!ci) return { significant: null, test: 'no ok jobs on one side', worse: null };
  const scale = baseline ? 100 / baseline : null;
  const text = scale === null ? `[${ci[0].toPrecision(3)}, ${ci[1].toPrecision(3)}]` : `[${formatSigned(ci[0] * scale)}%, ${formatSigned(ci[1] * scale)}%]`;
  return { significant: ci[0] > 0 || ci[1] < 0, test: `bootstrap ${text}`, worse: null };
}

function pct(baseline: number | null, current: number | null) {
  const delta = baseline === null || current === null || baseline === 0 ? null : ((current - baseline) / baseline) * 100;
  return { baseline, current, delta };
}

// Cache hits (older summaries have no `cached`) billed nothing: neither tokens nor a cost of 0 per job.
function tokensPerJob(g: GroupSummary): number | null {
  const billed = g.ok - Math.min(g.ok, g.cached ?? 0);
  return billed > 0 && (g.native_tokens_prompt || g.native_tokens_completion) ? ((g.native_tokens_prompt ?? 0) + (g.native_tokens_completion ?? 0)) / billed : null;
}

function costPerJob(g: GroupSummary): number | null {
  const priced = g.ok - Math.min(g.ok, g.cost_pending + (g.cached ?? 0));
  return g.cost_usd === null || priced === 0 ? null : g.cost_usd / priced;
}

/** Direction, once the verdict is in: is this change the bad kind? */
function withDirection(row: CompareRow): CompareRow {
  if (row.delta === null || row.delta === 0) return { ...row, worse: row.delta === null ? null : false };
  return { ...row, worse: METRIC_INFO[row.metric].worse === 'up' ? row.delta > 0 : row.delta < 0 };
}

export function formatDelta(metric: CompareMetric, delta: number | null): string {
  if (delta === null) return '-';
  const unit = METRIC_INFO[metric].unit;
  return `${formatSigned(delta)}${unit === 'pp' ? ' pp' : unit}`;
}

const fmtP = (p: number) => (p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`);

/** FNV-1a, for a stable per-metric seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
