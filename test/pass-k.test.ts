// pass@k and pass^k against hand-computed binomial ratios, and each task's figures.
import { describe, expect, it } from 'vitest';
import { passAtK, passHatK } from '../src/stats/pass-k.js';
import { taskFigures } from '../src/stats/consistency.js';

/** C(n, k) exactly, for checking the product form at sizes where factorials overflow. */
const choose = (n: number, k: number): bigint => {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
};
const ratio = (a: bigint, b: bigint) => Number((a * 10n ** 12n) / b) / 1e12;

describe('pass@k = 1 − C(n−c,k)/C(n,k) and pass^k = C(c,k)/C(n,k)', () => {
  it.each([
    // n, c, k, pass@k, pass^k — worked by hand
    [3, 1, 1, 1 / 3, 1 / 3], // k = 1: both are the pass rate
    [3, 1, 2, 2 / 3, 0], // 1 − C(2,2)/C(3,2) = 1 − 1/3; C(1,2) = 0
    [3, 3, 3, 1, 1],
    [3, 0, 2, 0, 0],
    [5, 3, 2, 0.9, 0.3], // 1 − C(2,2)/C(5,2) = 1 − 1/10; C(3,2)/C(5,2) = 3/10 (rate² would be 0.36)
    [5, 3, 3, 1, 0.1], // n − c < k: some pass is certain; C(3,3)/C(5,3) = 1/10
    [10, 4, 3, 5 / 6, 1 / 30], // 1 − C(6,3)/C(10,3) = 1 − 20/120; C(4,3)/C(10,3) = 4/120
  ])('n=%i c=%i k=%i', (n, c, k, at, hat) => {
    expect(passAtK(n, c, k)).toBeCloseTo(at, 6);
    expect(passHatK(n, c, k)).toBeCloseTo(hat, 6);
  });

  it('is not rate^k: three passes of four do not make pass^4 (0.75⁴ ≈ 0.32) but 0', () => {
    expect(passHatK(4, 3, 4)).toBe(0);
    expect(passHatK(4, 3, 2)).toBe(0.5); // C(3,2)/C(4,2) = 3/6
  });

  it('stays exact where factorials overflow (n = 200)', () => {
    const [n, c, k] = [200, 120, 30];
    expect(passAtK(n, c, k)!).toBeCloseTo(1 - ratio(choose(n - c, k), choose(n, k)), 6);
    expect(passHatK(n, c, k)!).toBeCloseTo(ratio(choose(c, k), choose(n, k)), 6);
  });

  it('is null when k is outside 1..n or c outside 0..n', () => {
    expect(passAtK(3, 1, 4)).toBeNull();
    expect(passHatK(3, 1, 0)).toBeNull();
    expect(passAtK(3, 4, 1)).toBeNull();
  });
});

describe('taskFigures', () => {
  it('lists every k from 1 to n and flags 0 < passed < n as flaky', () => {
    const t = taskFigures('t', 3, 2);
    expect(t).toMatchObject({ task_id: 't', n: 3, passed: 2, flaky: true });
    expect(t.pass_rate).toBeCloseTo(2 / 3, 9);
    expect(t.pass_at_k).toEqual({ 1: 0.666667, 2: 1, 3: 1 });
    expect(t.pass_hat_k).toEqual({ 1: 0.666667, 2: 0.333333, 3: 0 });
    expect(taskFigures('a', 3, 3).flaky).toBe(false);
    expect(taskFigures('b', 3, 0).flaky).toBe(false);
  });
});
