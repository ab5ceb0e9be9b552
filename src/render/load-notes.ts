// The table's footer lines about the load's shape: the paced rate next to its target, the warmup.
import { usd } from '../format.js';
import type { RunSummary } from '../types/summary.js';

export function loadNotes(summary: Pick<RunSummary, 'load' | 'warmup'>): string[] {
  const notes: string[] = [];
  const { load, warmup } = summary;
  if (load) {
    const achieved = load.achieved_rps === null ? 'unknown (fewer than 2 sent)' : `${load.achieved_rps.toFixed(2)}/s`;
    notes.push(`request rate: ${achieved} achieved, ${load.target_rps}/s asked (${load.arrival}, ${load.sent} sent this session); queue time is in queue_ms, never in latency`);
  }
  if (warmup) {
    const spent = warmup.spent_usd === null ? 'cost unknown' : `${usd(warmup.spent_usd)} spent`;
    notes.push(`warmup: ${warmup.requests} request(s) sent first (${warmup.ok} ok, ${warmup.errors} failed), ${spent}; left out of every figure above (warmup.jsonl)`);
  }
  return notes;
}
