// The matrix read before anything is sent, in as few passes over the datasets as it can be:
// the tasks are scanned (every row rendered and checked), and the same pass feeds preflight, the
// cost plan and the shard's id list when nothing (--sample, --limit) must be known first.
// A 100,000-row dataset is read once for `plan` and twice for `run` (then once more to send).
import { shardIds, type Shard } from '../ci/shard.js';
import { createMatrix, matrixArms, type Matrix, type MatrixFilter } from '../config/matrix.js';
import type { ResolvedSuite } from '../config/resolve.js';
import { scanTasks, selectedTasks, type TaskScan, type TaskSelection } from '../config/tasks.js';
import type { Job, Params } from '../types/job.js';

export interface ReadMatrix {
  tasks: TaskScan;
  /** The whole matrix, and this machine's shard of it (the same without --shard). */
  matrix: Matrix;
  jobs: Matrix;
  /** With --shard: the shard's job ids, in matrix order. */
  shardIds: string[] | null;
}

export interface MatrixReaders {
  /** Sees every job of `jobs` (the shard), once. */
  onJob?: (job: Job) => void;
}

export async function readMatrix(suite: ResolvedSuite, selection: TaskSelection, params: Params, filter: MatrixFilter, shard: Shard | undefined, readers: MatrixReaders, stream?: boolean): Promise<ReadMatrix> {
  const arms = matrixArms(suite, params, filter, stream);
  // Without a selection to count first, the scan's tasks are the matrix's, in its order.
  const direct = selection.sample === undefined && selection.limit === undefined;
  const ids: string[] | null = shard ? [] : null;
  let index = 0;
  const tasks = await scanTasks(
    suite,
    selection,
    direct
      ? (task) => {
          const jobs = arms.expand(task, index);
          for (const job of jobs) {
            if (ids) ids.push(job.job_id);
            else readers.onJob?.(job);
          }
          index += jobs.length;
        }
      : undefined,
  );
  const matrix = createMatrix(suite, () => selectedTasks(suite, tasks, selection), tasks.runs, arms);
  if (!shard) {
    if (!direct && readers.onJob) for await (const job of matrix.jobs()) readers.onJob(job);
    return { tasks, matrix, jobs: matrix, shardIds: null };
  }
  // A shard is dealt from every id of the matrix (ci/shard.ts); its jobs are then read again.
  if (!direct) for await (const job of matrix.jobs()) ids!.push(job.job_id);
  const mine = shardIds(ids!, shard);
  const jobs: Matrix = {
    size: mine.size,
    async *jobs() {
      for await (const job of matrix.jobs()) if (mine.has(job.job_id)) yield job;
    },
  };
  if (readers.onJob) for await (const job of jobs.jobs()) readers.onJob(job);
  return { tasks, matrix, jobs, shardIds: ids!.filter((id) => mine.has(id)) };
}
