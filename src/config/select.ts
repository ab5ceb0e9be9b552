// Pure: `--sample N --sample-seed S`, a deterministic random sample of tasks. Each task gets a
// key from sha256(seed, task id) and the N smallest keys are kept, in the suite's order. Keyed by
// id (not position), a task keeps its key when rows are added elsewhere, and a sample of 10 is
// part of the sample of 20 with the same seed.
import { createHash } from 'node:crypto';

/** The default --sample-seed. */
export const DEFAULT_SAMPLE_SEED = 1;

/** A uniform 48-bit key for a task. */
export function sampleKey(seed: number, id: string): number {
  return createHash('sha256').update(`${seed}\u0000${id}`).digest().readUIntBE(0, 6);
}

/** Which of `keys` (one per task, in order) the sample keeps: the `size` smallest, ties by position. */
export function sampleMask(keys: ArrayLike<number>, size: number): Uint8Array {
  const keep = new Uint8Array(keys.length);
  if (size >= keys.length) return keep.fill(1);
  const order = Uint32Array.from({ length: keys.length }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
  for (let i = 0; i < size; i++) keep[order[i]!] = 1;
  return keep;
}
