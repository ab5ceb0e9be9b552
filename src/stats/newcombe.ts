// A 95 % interval for the difference of two proportions, p2 − p1 (current − baseline), by
// Newcombe's hybrid score method (method 10 in Newcombe 1998, Statistics in Medicine 17:873).
// It is built from the two Wilson intervals, so it stays inside [−1, 1] and keeps its coverage at
// the small n a benchmark cell has, where the Wald interval says "significant" far too often.
import { wilson, Z95 } from './wilson.js';

/** Interval for k2/n2 − k1/n1; null when either n is 0 (a rate of nothing is unknown). */
export function newcombe(k1: number, n1: number, k2: number, n2: number, z: number = Z95): [number, number] | null {
  const w1 = wilson(k1, n1, z);
  const w2 = wilson(k2, n2, z);
  if (!w1 || !w2) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const [l1, u1] = w1;
  const [l2, u2] = w2;
  const d = p2 - p1;
  const lower = d - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2);
  const upper = d + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2);
  return [Math.max(-1, lower), Math.min(1, upper)];
}
