// The statistics behind `compare`, checked against published values: Newcombe (1998) Table II for
// the difference of proportions, scipy.stats.mannwhitneyu for the rank test.
import { describe, expect, it } from 'vitest';
import { quantile } from '../src/stats/metric-stats.js';
import { bootstrapQuantileDiff, mulberry32, resampledQuantile } from '../src/stats/bootstrap.js';
import { mannWhitney } from '../src/stats/mann-whitney.js';
import { newcombe } from '../src/stats/newcombe.js';
import { normalSf } from '../src/stats/normal.js';

describe('normalSf', () => {
  it('matches the standard normal tail', () => {
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 6);
    expect(normalSf(0.5)).toBeCloseTo(0.3085375387, 6);
    expect(normalSf(3)).toBeCloseTo(0.0013498980, 7);
    expect(normalSf(-1)).toBeCloseTo(1 - 0.1586552539, 6);
  });
});

describe('newcombe (hybrid score, method 10)', () => {
  // Newcombe 1998, Table II: p1 − p2 for the pairs below; our function takes (baseline, current)
  // and returns current − baseline, so the published pair is passed in reverse order.
  const cases: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
  ];
  it.each(cases)('%i/%i − %i/%i → [%f, %f]', (k1, n1, k2, n2, lo, hi) => {
    const ci = newcombe(k2, n2, k1, n1)!;
    expect(ci[0]).toBeCloseTo(lo, 3);
    expect(ci[1]).toBeCloseTo(hi, 3);
  });

  it('is unknown, not zero, when a side has no jobs', () => {
    expect(newcombe(0, 0, 3, 5)).toBeNull();
    expect(newcombe(3, 5, 0, 0)).toBeNull();
  });

  it('does not call 9/10 → 7/10 significant at n = 10, but does at n = 200', () => {
    const small = newcombe(9, 10, 7, 10)!;
    expect(small[0]).toBeLessThan(0);
    expect(small[1]).toBeGreaterThan(0);
    const large = newcombe(180, 200, 140, 200)!;
    expect(large[1]).toBeLessThan(0);
  });
});

describe('mannWhitney', () => {
  it('matches scipy (no ties)', () => {
    const r = mannWhitney([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u).toBe(17);
    expect(r.p).toBeCloseTo(0.11134688653314041, 6);
  });

  it('matches scipy (with ties)', () => {
    const r = mannWhitney([1, 2, 2, 3, 3, 3, 4, 5], [3, 4, 4, 5, 5, 6, 7, 7, 8]);
    expect(r.u).toBe(7.5);
    expect(r.p).toBeCloseTo(0.006373133838085873, 6);
  });

  it('has no p-value for an empty sample or all-tied values', () => {
    expect(mannWhitney([], [1, 2]).p).toBeNull();
    expect(mannWhitney([5, 5], [5, 5, 5]).p).toBeNull();
  });
});

describe('bootstrapQuantileDiff', () => {
  const normalish = (seed: number, n: number, centre: number) => {
    const rand = mulberry32(seed);
    return Array.from({ length: n }, () => centre * (0.8 + 0.4 * (rand() + rand() + rand()) / 3));
  };

  it('takes the quantile of a resample without sorting it, exactly as sorting would', () => {
    const sorted = Float64Array.from(normalish(4, 37, 100)).sort();
    for (const q of [0, 0.5, 0.95, 0.99, 1]) {
      for (let seed = 1; seed <= 20; seed++) {
        const fast = resampledQuantile(sorted, new Uint32Array(sorted.length), q, mulberry32(seed));
        const rand = mulberry32(seed);
        const resample = Float64Array.from(sorted, () => sorted[Math.floor(rand() * sorted.length)]!).sort();
        expect(fast).toBe(quantile(resample, q));
      }
    }
  });

  it('is deterministic for a seed', () => {
    const a = normalish(1, 50, 100);
    const b = normalish(2, 50, 100);
    expect(bootstrapQuantileDiff(a, b, 0.95, { seed: 7 })).toEqual(bootstrapQuantileDiff(a, b, 0.95, { seed: 7 }));
  });

  it('covers 0 for two samples from one distribution and excludes it for a 30 % shift', () => {
    const a = normalish(1, 60, 100);
    const same = bootstrapQuantileDiff(a, normalish(2, 60, 100), 0.95)!;
    expect(same[0]).toBeLessThan(0);
    expect(same[1]).toBeGreaterThan(0);
    const shifted = bootstrapQuantileDiff(a, normalish(3, 60, 130), 0.95)!;
    expect(shifted[0]).toBeGreaterThan(0);
    // The medians differ by about 30 (100 → 130).
    const medians = bootstrapQuantileDiff(a, normalish(3, 60, 130), 0.5)!;
    expect(medians[0]).toBeGreaterThan(20);
    expect(medians[1]).toBeLessThan(40);
  });

  it('thins a large sample (seeded) and stays deterministic', () => {
    const big = normalish(5, 30_000, 100);
    const r1 = bootstrapQuantileDiff(big, normalish(6, 30_000, 100), 0.95, { resamples: 200 });
    expect(r1).toEqual(bootstrapQuantileDiff(big, normalish(6, 30_000, 100), 0.95, { resamples: 200 }));
    expect(r1![0]).toBeLessThan(1);
    expect(r1![1]).toBeGreaterThan(-1);
  });

  it('is unknown for an empty sample', () => {
    expect(bootstrapQuantileDiff([], [1], 0.5)).toBeNull();
  });
});
