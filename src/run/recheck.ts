// `agent-lab recheck DIR`: the run's finish again over the answers already in the folder — no
// subject job is sent; the judge pass asks only for verdicts the folder's store lacks — so a
// user iterates on checks for free. The run keeps the status it ended with (a budget stop
// still exits as one).
import type { RunInfo } from '../store/run-info.js';
import type { Executed } from './execute.js';

export function recheckExecuted(previous: RunInfo | null): Executed {
  const ended = previous?.status;
  const status = ended === undefined ? 'ok' : ended === 'running' ? 'interrupted' : ended;
  return {
    outcome: { status, stopReason: null, dispatched: 0, throttles: previous?.throttles ?? 0, minConcurrency: 0, sends: null },
    skipped: new Set(),
    cached: new Set(),
    fresh: false,
  };
}
