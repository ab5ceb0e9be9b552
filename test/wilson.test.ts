import { describe, expect, it } from 'vitest';
import { wilson } from '../src/stats/wilson.js';

describe('wilson', () => {
  it('matches published values', () => {
    // Newcombe (1998), Table I: 81/263 → 0.2553–0.3662; 0/10 → 0–0.2775.
    const [lo, hi] = wilson(81, 263)!;
    expect(lo).toBeCloseTo(0.2553, 4);
    expect(hi).toBeCloseTo(0.3662, 4);
    const [lo0, hi0] = wilson(0, 10)!;
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775, 4);
  });
  it('is symmetric, inside [0, 1], and unknown for n = 0', () => {
    const [a, b] = wilson(3, 3)!;
    expect(b).toBe(1);
    expect(a).toBeCloseTo(1 - wilson(0, 3)![1], 12);
    expect(wilson(0, 0)).toBeNull();
  });
});
