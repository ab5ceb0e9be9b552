import { createMatrix } from '../../src/config/matrix.js';
import type { ResolvedSuite, ResolvedTask } from '../../src/config/resolve.js';
import type { Job } from '../../src/types/job.js';
import { scanTasks, selectedTasks, type TaskSelection } from '../../src/config/tasks.js';

/** Every task of a resolved suite, read and rendered the way a run reads them (scan, then stream). */
export async function readTasks(suite: ResolvedSuite, selection: TaskSelection = {}): Promise<ResolvedTask[]> {
  const scan = await scanTasks(suite, selection);
  const tasks: ResolvedTask[] = [];
  for await (const task of selectedTasks(suite, scan, selection)) tasks.push(task);
  return tasks;
}

/** The streamed matrix of a suite: its computed size and every job it yields. */
export async function matrixJobs(suite: ResolvedSuite, selection: TaskSelection = {}): Promise<{ size: number; jobs: Job[] }> {
  const scan = await scanTasks(suite, selection);
  const matrix = createMatrix(suite, () => selectedTasks(suite, scan, selection), scan.runs);
  const jobs: Job[] = [];
  for await (const job of matrix.jobs()) jobs.push(job);
  return { size: matrix.size, jobs };
}
