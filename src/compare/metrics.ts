// The closed set of metrics `compare` reports and `--fail-on` can name, with their unit and
// which direction is worse. Rates move in percentage points; everything else in percent.

export const COMPARE_METRICS = ['pass_rate', 'error_rate', 'p50_latency', 'p95_latency', 'p50_ttft', 'p95_ttft', 'tokens', 'cost', 'slo_met_rate', 'score'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

export interface MetricInfo {
  /** How a change is expressed: percentage points for rates, the judge's own 0..1 scale for its score (no unit), percent for the rest. */
  unit: 'pp' | '%' | '';
  /** The direction that is a regression. */
  worse: 'up' | 'down';
  label: string;
}

export const METRIC_INFO: Record<CompareMetric, MetricInfo> = {
  pass_rate: { unit: 'pp', worse: 'down', label: 'pass rate' },
  error_rate: { unit: 'pp', worse: 'up', label: 'error rate' },
  p50_latency: { unit: '%', worse: 'up', label: 'latency p50' },
  p95_latency: { unit: '%', worse: 'up', label: 'latency p95' },
  p50_ttft: { unit: '%', worse: 'up', label: 'ttft p50' },
  p95_ttft: { unit: '%', worse: 'up', label: 'ttft p95' },
  tokens: { unit: '%', worse: 'up', label: 'tokens/job' },
  cost: { unit: '%', worse: 'up', label: 'cost/job' },
  slo_met_rate: { unit: 'pp', worse: 'down', label: 'slo met' },
  score: { unit: '', worse: 'down', label: 'judge score' },
};

export function isCompareMetric(name: string): name is CompareMetric {
  return (COMPARE_METRICS as readonly string[]).includes(name);
}
