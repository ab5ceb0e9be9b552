import type { ErrorKind } from '../types/result.js';
import type { JournalState } from './journal-read.js';

/** Failures that say nothing about the job: the run stopped around it, or the request never reached the API. */
const RUN_LEVEL: ReadonlySet<ErrorKind | null> = new Set<ErrorKind | null>(['aborted', 'auth', 'credits', 'network']);

/** A failure is left alone unless --retry-errors; jobs skipped (budget) or in RUN_LEVEL always run again. */
export function alreadyDone(state: JournalState, jobId: string, retryErrors: boolean): boolean {
  const status = state.last.get(jobId);
  if (status === 'ok') return true;
  if (status === 'error') return !retryErrors && !RUN_LEVEL.has(state.lastKind.get(jobId) ?? null);
  return false;
}
