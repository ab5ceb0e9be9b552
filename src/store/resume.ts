// What a resumed run does with each job, decided from the journal of the earlier run(s).
import type { ErrorKind } from '../types/result.js';
import type { JournalState } from './journal-read.js';

/**
 * Failures that say nothing about the job itself: the run was stopped around it, or the request
 * never reached the API (so running it again cannot pay twice).
 */
const RUN_LEVEL: ReadonlySet<ErrorKind | null> = new Set<ErrorKind | null>(['aborted', 'auth', 'credits', 'network']);

/**
 * Whether a resumed run leaves this job alone: it finished ok, or it failed and only
 * --retry-errors runs failures again. Jobs that were aborted (Ctrl-C), refused for the key or
 * the credits (the run stopped; the user fixes it and resumes), never connected (network) or
 * skipped (budget) never got an answer of their own, so they always run again; so do jobs with
 * no row at all.
 */
export function alreadyDone(state: JournalState, jobId: string, retryErrors: boolean): boolean {
  const status = state.last.get(jobId);
  if (status === 'ok') return true;
  if (status === 'error') return !retryErrors && !RUN_LEVEL.has(state.lastKind.get(jobId) ?? null);
  return false;
}
