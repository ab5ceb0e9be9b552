// Pure: a run's history line (and the suite's earlier lines) → metric families, one neutral model
// that the Prometheus and the OTLP renderers both take. A run and `history --export` build from
// the same line, so they export the same numbers. An unknown figure (null, or a field an older
// line lacks) is left out, never written as 0. `provider` labels only agent_lab_run_provider_jobs:
// OpenRouter routes each request, so a group's providers change from run to run, and as a label
// on every series they would cut each model's trend into pieces.
import Big from 'big.js';
import type { HistoryEntry, HistoryGroup } from '../history/history.js';

export type MetricType = 'gauge' | 'counter';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  /** Prometheus name, unit suffix included (`_seconds`, `_usd`, `_total` for counters). */
  name: string;
  help: string;
  type: MetricType;
  /** UCUM unit for OTLP (`s`, `1`, `{token}`). */
  unit: string;
  /** Whole numbers (counts): OTLP sends them as asInt. */
  integer: boolean;
  samples: Sample[];
}

/** The metrics of one suite's newest run. */
export interface SuiteMetrics {
  suite: string;
  /** When the run finished (ISO): the samples' time. */
  time: string;
  /** When the counters started: the first run they add up (ISO); null without counters. */
  start: string | null;
  families: MetricFamily[];
}

const QUANTILES = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
] as const;

type Known = number | null | undefined;
const known = (value: Known): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * `latest`: the run to export. `history`: the same suite's lines, oldest first, `latest` among
 * them, for the counters; null when the run keeps no history (then no counter is emitted: a
 * counter of one run would drop at the next and read as a reset).
 */
/** `model_label` only when it is not the slug: two arms of one model (provider arms, a streamed and a whole one) are two series. */
function groupLabels(suite: string, g: HistoryGroup): Record<string, string> {
  const labels: Record<string, string> = { suite, model: g.model };
  if (g.model_label && g.model_label !== g.model) labels.model_label = g.model_label;
  labels.system_prompt = g.system_prompt_id;
  return labels;
}

export function suiteMetrics(latest: HistoryEntry, history: readonly HistoryEntry[] | null): SuiteMetrics {
  const family = familyBuilder();
  const { gauge, counter } = family;
  for (const g of latest.groups) {
    const labels = groupLabels(latest.suite, g);
    for (const [q, p] of QUANTILES) {
      gauge('agent_lab_ttft_seconds', { ...labels, quantile: q }, seconds(ttft(g, p)));
      gauge('agent_lab_latency_seconds', { ...labels, quantile: q }, seconds(latency(g, p)));
    }
    gauge('agent_lab_output_tokens_per_second', labels, g.output_tps_p50);
    gauge('agent_lab_pass_ratio', labels, g.pass_rate);
    gauge('agent_lab_slo_met_ratio', labels, g.slo_met_rate);
    gauge('agent_lab_judge_score', labels, g.judge_score);
    gauge('agent_lab_run_cost_usd', { ...labels, role: 'subject' }, g.cost_usd);
    gauge('agent_lab_run_cost_usd', { ...labels, role: 'judge' }, g.judge_cost_usd);
    gauge('agent_lab_run_cost_pending_jobs', labels, g.cost_pending);
    for (const [kind, value] of tokens(g)) gauge('agent_lab_run_native_tokens', { ...labels, kind }, value);
    for (const [status, value] of jobs(g)) gauge('agent_lab_run_jobs', { ...labels, status }, value);
    for (const [provider, value] of Object.entries(g.providers ?? {}).sort()) gauge('agent_lab_run_provider_jobs', { ...labels, provider }, value);
  }
  gauge('agent_lab_run_timestamp_seconds', { suite: latest.suite }, Date.parse(latest.time) / 1000);

  const runs = history?.filter((e) => e.suite === latest.suite && e.mock === latest.mock && e.time <= latest.time) ?? null;
  if (runs?.length) {
    counter('agent_lab_runs_total', { suite: latest.suite }, runs.length);
    for (const g of latest.groups) {
      const labels = groupLabels(latest.suite, g);
      const past = runs.flatMap((e) => e.groups.filter((h) => h.model === g.model && h.system_prompt_id === g.system_prompt_id && (h.model_label ?? h.model) === (g.model_label ?? g.model)));
      counter('agent_lab_cost_usd_total', { ...labels, role: 'subject' }, sumKnown(past.map((h) => h.cost_usd)));
      counter('agent_lab_cost_usd_total', { ...labels, role: 'judge' }, sumKnown(past.map((h) => h.judge_cost_usd)));
      for (const kind of ['prompt', 'completion', 'reasoning'] as const) {
        counter('agent_lab_native_tokens_total', { ...labels, kind }, sumKnown(past.map((h) => new Map(tokens(h)).get(kind))));
      }
      for (const status of ['ok', 'error', 'skipped'] as const) counter('agent_lab_jobs_total', { ...labels, status }, sumKnown(past.map((h) => new Map(jobs(h)).get(status))));
    }
  }
  return { suite: latest.suite, time: latest.time, start: runs?.[0]?.started_at ?? null, families: family.list() };
}

/** Name → help, type, unit: the vocabulary, once. */
export const FAMILIES: Record<string, Omit<MetricFamily, 'name' | 'samples'>> = {
  agent_lab_ttft_seconds: { type: 'gauge', unit: 's', integer: false, help: 'Time to first token of the run, at the quantile over its ok jobs.' },
  agent_lab_latency_seconds: { type: 'gauge', unit: 's', integer: false, help: 'Request to end of stream of the run, at the quantile over its ok jobs.' },
  agent_lab_output_tokens_per_second: { type: 'gauge', unit: '{token}/s', integer: false, help: 'Median streamed tokens per second after the first token.' },
  agent_lab_pass_ratio: { type: 'gauge', unit: '1', integer: false, help: 'Share of the checked jobs that passed every check (0-1); absent when nothing was checked.' },
  agent_lab_slo_met_ratio: { type: 'gauge', unit: '1', integer: false, help: 'Share of the requests judged against the speed checks (max_ttft_ms, max_latency_ms, max_itl_ms, min_output_tps) that met them all (0-1); absent when none was.' },
  agent_lab_judge_score: { type: 'gauge', unit: '1', integer: false, help: "The judge's mean score; absent when nothing was judged." },
  agent_lab_run_cost_usd: { type: 'gauge', unit: '{USD}', integer: false, help: 'Known cost of the run in USD, by role (subject model, judge); absent when unknown.' },
  agent_lab_run_cost_pending_jobs: { type: 'gauge', unit: '{job}', integer: true, help: 'Jobs of the run whose cost is still unknown: the cost misses them.' },
  agent_lab_run_native_tokens: { type: 'gauge', unit: '{token}', integer: true, help: 'Billed (native) tokens of the run, by kind; absent when unknown.' },
  agent_lab_run_jobs: { type: 'gauge', unit: '{job}', integer: true, help: 'Jobs of the run by status (ok, error, skipped by the cost cap).' },
  agent_lab_run_provider_jobs: { type: 'gauge', unit: '{job}', integer: true, help: 'Jobs of the run per provider that answered them.' },
  agent_lab_run_timestamp_seconds: { type: 'gauge', unit: 's', integer: false, help: 'When the run finished, Unix time.' },
  agent_lab_runs_total: { type: 'counter', unit: '{run}', integer: true, help: 'Runs of the suite in the history file.' },
  agent_lab_cost_usd_total: { type: 'counter', unit: '{USD}', integer: false, help: 'Known cost in USD over the runs in the history file, by role.' },
  agent_lab_native_tokens_total: { type: 'counter', unit: '{token}', integer: true, help: 'Billed (native) tokens over the runs in the history file, by kind.' },
  agent_lab_jobs_total: { type: 'counter', unit: '{job}', integer: true, help: 'Jobs over the runs in the history file, by status.' },
};

/** Families in FAMILIES order; a sample with an unknown value is dropped, a family left empty too. */
function familyBuilder() {
  const samples = new Map<string, Sample[]>();
  const add = (name: string, labels: Record<string, string>, value: Known) => {
    if (!(name in FAMILIES)) throw new Error(`metric ${name} is not in FAMILIES`);
    if (known(value)) samples.set(name, [...(samples.get(name) ?? []), { labels, value }]);
  };
  return {
    gauge: add,
    counter: add,
    list: (): MetricFamily[] => Object.entries(FAMILIES).flatMap(([name, meta]) => (samples.has(name) ? [{ name, ...meta, samples: samples.get(name)! }] : [])),
  };
}

/** Several suites' families as one list, each name once (the text format needs a family together). */
export function mergeFamilies(suites: readonly SuiteMetrics[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const family of suites.flatMap((s) => s.families)) {
    const seen = byName.get(family.name);
    if (seen) seen.samples.push(...family.samples);
    else byName.set(family.name, { ...family, samples: [...family.samples] });
  }
  return [...byName.values()];
}

// Via whole microseconds, so 248.102 ms prints 0.248102, not 0.24810200000000002.
const seconds = (ms: Known) => (known(ms) ? Math.round(ms * 1000) / 1e6 : null);
// In decimal, as summary.json sums costs: float sums of many runs' costs drift (0.30000000000000004).
const sumKnown = (values: Known[]) => (values.some(known) ? values.filter(known).reduce((a, b) => a.plus(b), new Big(0)).toNumber() : null);

function ttft(g: HistoryGroup, p: (typeof QUANTILES)[number][1]): Known {
  return { p50: g.ttft_p50_ms, p90: g.ttft_p90_ms, p95: g.ttft_p95_ms, p99: g.ttft_p99_ms }[p];
}
function latency(g: HistoryGroup, p: (typeof QUANTILES)[number][1]): Known {
  return { p50: g.latency_p50_ms, p90: g.latency_p90_ms, p95: g.latency_p95_ms, p99: g.latency_p99_ms }[p];
}
const tokens = (g: HistoryGroup): [string, Known][] => [
  ['prompt', g.native_tokens_prompt],
  ['completion', g.native_tokens_completion],
  ['reasoning', g.native_tokens_reasoning],
];
const jobs = (g: HistoryGroup): [string, Known][] => [
  ['ok', g.ok],
  ['error', g.errors],
  ['skipped', g.n - g.ok - g.errors],
];
