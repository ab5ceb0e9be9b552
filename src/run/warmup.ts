// `--warmup N`: N requests sent before the measured jobs, round the arms of the run (each model
// label, provider arms included), so connections, routes and provider caches are warm when the
// first measured request goes out. Their rows go to warmup.jsonl, never into results.jsonl.
import type { Job } from '../types/job.js';

/** One task's jobs cover every arm (the matrix is task by task); no need to read further. */
const MAX_LOOKAHEAD = 10_000;

/** `jobs` with `count` warmup jobs in front: copies of the first job of each arm, in turn. */
export async function* withWarmup(jobs: AsyncIterable<Job>, count: number): AsyncGenerator<Job> {
  const iterator = jobs[Symbol.asyncIterator]();
  const ahead: Job[] = [];
  const arms = warmupArms();
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    ahead.push(next.value);
    if (!arms.see(next.value)) break;
  }
  yield* arms.jobs(count);
  yield* ahead;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
}

/**
 * The warmup requests of a matrix read in order: the first job of each model label among the
 * first task's jobs, then `count` copies of them in turn. The run sends these, and the plan
 * prices the same ones. `see` returns false once the first task is behind (nothing more to learn).
 */
export function warmupArms(): { see(job: Job): boolean; jobs(count: number): Job[] } {
  const arms = new Map<string, Job>();
  let firstTask: string | null = null;
  let seen = 0;
  let done = false;
  return {
    see(job) {
      if (done) return false;
      firstTask ??= job.task_id;
      if (!arms.has(job.model_label)) arms.set(job.model_label, job);
      done = job.task_id !== firstTask || ++seen >= MAX_LOOKAHEAD;
      return !done;
    },
    jobs(count) {
      const first = [...arms.values()];
      return first.length ? Array.from({ length: count }, (_, i) => warmupJob(first[i % first.length]!, i)) : [];
    },
  };
}

/** A measured job's request under a warmup id: no checks, no cache, no place in the matrix. */
export function warmupJob(job: Job, i: number): Job {
  const { checks: _checks, ...request } = job;
  return { ...request, job_id: `warmup-${i}`, index: -1, repeat: i, warmup: true };
}
