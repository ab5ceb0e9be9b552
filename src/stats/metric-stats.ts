// One metric's summary over a group's values. Pure.
import type { MetricStats } from '../types/summary.js';

/** n, mean ± sd (sample), min/max and linear-interpolated percentiles (type 7, as numpy). */
export function metricStats(values: number[]): MetricStats {
  const n = values.length;
  if (n === 0) return { n: 0, mean: null, sd: null, min: null, p50: null, p90: null, p95: null, p99: null, max: null };
  const sorted = Float64Array.from(values).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    n,
    mean: r(mean),
    sd: sd === null ? null : r(sd),
    min: r(sorted[0]!),
    p50: r(quantile(sorted, 0.5)),
    p90: r(quantile(sorted, 0.9)),
    p95: r(quantile(sorted, 0.95)),
    p99: r(quantile(sorted, 0.99)),
    max: r(sorted[n - 1]!),
  };
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
