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
  const arms = new Map<string, Job>();
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    ahead.push(next.value);
    if (!arms.has(next.value.model_label)) arms.set(next.value.model_label, next.value);
    if (next.value.task_id !== ahead[0]!.task_id || ahead.length >= MAX_LOOKAHEAD) break;
  }
  const first = [...arms.values()];
  for (let i = 0; i < count && first.length; i++) yield warmupJob(first[i % first.length]!, i);
  yield* ahead;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
}

/** A measured job's request under a warmup id: no checks, no cache, no place in the matrix. */
export function warmupJob(job: Job, i: number): Job {
  const { checks: _checks, ...request } = job;
  return { ...request, job_id: `warmup-${i}`, index: -1, repeat: i, warmup: true };
}
