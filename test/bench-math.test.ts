// The benchmark's own arithmetic (bench/math.mjs): if it were wrong, every figure in
// docs/performance.md would be. Not a timed test: numbers in, numbers out.
import { describe, expect, it } from 'vitest';
import { bytesPerJob, idealMs, mean, percentile, spread, timingErrors } from '../bench/math.mjs';

describe('percentile', () => {
  it('interpolates linearly between ranks (type 7, as numpy)', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 0.25)).toBe(1.75);
    expect(percentile([10], 0.99)).toBe(10);
    // numpy.percentile(range(1, 101), 99) == 99.01
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99)).toBeCloseTo(99.01, 10);
  });

  it('does not sort its input in place, and says unknown for no data', () => {
    const values = [3, 1, 2];
    percentile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
    expect(percentile([], 0.5)).toBeNull();
    expect(spread([])).toEqual({ n: 0, p50: null, p99: null, max: null });
  });

  it('spread gives n, p50, p99 and max, with negative differences kept', () => {
    expect(spread([-1, 0, 5, 2])).toEqual({ n: 4, p50: 1, p99: percentile([-1, 0, 5, 2], 0.99), max: 5 });
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNull();
  });
});

describe('idealMs', () => {
  it('is jobs / concurrency waves of the server time per request', () => {
    // The efficiency scenario: 400 jobs of 690 ms at concurrency 50 → 8 waves.
    expect(idealMs(400, 50, 690)).toBe(5520);
    expect(idealMs(2000, 2000, 5190)).toBe(5190);
  });

  it('counts a partly filled last wave as a whole wave', () => {
    expect(idealMs(401, 50, 100)).toBe(900);
    expect(idealMs(10, 50, 100)).toBe(100);
    expect(idealMs(0, 50, 100)).toBe(0);
  });
});

describe('timingErrors', () => {
  const entry = (job: string, gen: string, received: number, first: number | null, end: number | null) => ({
    job,
    generation_id: gen,
    received_at: received,
    first_token_at: first,
    end_at: end,
  });

  it('subtracts the server’s own durations from the client’s, row by row', () => {
    const log = [entry('a', 'g1', 1000, 1200, 1690), entry('b', 'g2', 5000, 5210, 5700)];
    const rows = [
      { job_id: 'a', generation_id: 'g1', ttft_ms: 201.5, latency_ms: 692 },
      { job_id: 'b', generation_id: 'g2', ttft_ms: 211, latency_ms: 700.5 },
    ];
    const errors = timingErrors(rows, log);
    expect(errors.ttft).toEqual({ n: 2, p50: 1.25, p99: percentile([1.5, 1], 0.99), max: 1.5 });
    expect(errors.latency.max).toBe(2);
    expect(errors.latency.p50).toBe(1.25);
    expect(errors.unmatched).toBe(0);
  });

  it('joins on the kept attempt’s generation id, not on the job’s first attempt', () => {
    const log = [entry('a', 'g-failed', 0, null, 50), entry('a', 'g-kept', 100, 300, 400)];
    const rows = [{ job_id: 'a', generation_id: 'g-kept', ttft_ms: 203, latency_ms: 301 }];
    const errors = timingErrors(rows, log);
    expect(errors.ttft.p50).toBe(3);
    expect(errors.latency.p50).toBe(1);
  });

  it('leaves out rows the server has no record of, and unknown timings', () => {
    const log = [entry('a', 'g1', 0, null, 100), entry('other', 'g2', 0, 10, 20)];
    const rows = [
      { job_id: 'a', generation_id: 'g1', ttft_ms: null, latency_ms: 101 },
      { job_id: 'b', generation_id: 'g2', ttft_ms: 12, latency_ms: 22 },
      { job_id: 'c', generation_id: null, ttft_ms: null, latency_ms: 5 },
    ];
    const errors = timingErrors(rows, log);
    expect(errors.ttft.n).toBe(0);
    expect(errors.latency).toEqual({ n: 1, p50: 1, p99: 1, max: 1 });
    expect(errors.unmatched).toBe(2);
  });
});

describe('bytesPerJob', () => {
  it('is the peak RSS slope between two run sizes, from KiB', () => {
    expect(bytesPerJob({ jobs: 10_000, maxRssKiB: 100_000 }, { jobs: 100_000, maxRssKiB: 110_000 })).toBeCloseTo((10_000 * 1024) / 90_000, 6);
    expect(bytesPerJob({ jobs: 10, maxRssKiB: 1 }, { jobs: 10, maxRssKiB: 2 })).toBeNull();
  });
});
