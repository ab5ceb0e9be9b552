// A seeded percentile-bootstrap interval for the difference of a statistic (p95, mean …) between
// two samples, current − baseline. Seeded, so the same two runs always give the same verdict and
// tests are deterministic. Tail quantiles have no simple closed-form interval; resampling gives
// one without assuming a shape, which latency never has.
import { quantile } from '../aggregate.js';

export interface BootstrapOptions {
  /** Resamples drawn (default 2000). */
  resamples?: number;
  seed?: number;
  /** Central coverage of the interval (default 0.95). */
  level?: number;
  /** Larger samples are first thinned to this many values (seeded), so 100k-job runs stay fast. */
  maxSample?: number;
}

export type Statistic = (sorted: Float64Array) => number;

/** Statistic of a sorted sample: a quantile (type 7, as in summary.json) or the mean. */
export const atQuantile = (q: number): Statistic => (sorted) => quantile(sorted, q);
export const mean: Statistic = (sorted) => sorted.reduce((s, v) => s + v, 0) / sorted.length;

/** Interval for stat(current) − stat(baseline); null when either sample is empty. */
export function bootstrapDiff(baseline: readonly number[], current: readonly number[], stat: Statistic, options: BootstrapOptions = {}): [number, number] | null {
  if (baseline.length === 0 || current.length === 0) return null;
  const rand = mulberry32(options.seed ?? 0x5eed);
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const a = thin(baseline, options.maxSample ?? 5000, rand);
  const b = thin(current, options.maxSample ?? 5000, rand);
  const bufA = new Float64Array(a.length);
  const bufB = new Float64Array(b.length);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < a.length; i++) bufA[i] = a[Math.floor(rand() * a.length)]!;
    for (let i = 0; i < b.length; i++) bufB[i] = b[Math.floor(rand() * b.length)]!;
    diffs[r] = stat(bufB.sort()) - stat(bufA.sort());
  }
  diffs.sort();
  const tail = (1 - level) / 2;
  return [quantile(diffs, tail), quantile(diffs, 1 - tail)];
}

/** A seeded subsample without replacement (partial Fisher-Yates); the input when small enough. */
function thin(values: readonly number[], max: number, rand: () => number): readonly number[] {
  if (values.length <= max) return values;
  const copy = [...values];
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rand() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, max);
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; enough for resampling, and seedable. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
