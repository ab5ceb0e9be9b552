// Pure: win, tie and loss rates per column pair, from the rows' pairwise checks, each with its
// Wilson 95 % interval. A pair is (this row's model × system prompt, the column it was judged
// against); an error verdict is counted apart, in no rate.
import { wilson } from './wilson.js';
import type { JobResult } from '../types/result.js';
import type { PairwiseSummary } from '../types/summary.js';

export function createPairwise(): { add(row: JobResult): void; finish(): PairwiseSummary[] } {
  const pairs = new Map<string, PairwiseSummary>();
  return {
    add(row) {
      if (row.status !== 'ok') return;
      for (const check of row.checks ?? []) {
        if (check.against === undefined) continue;
        const key = `${row.model}\u0000${row.system_prompt_id}\u0000${row.model_label}\u0000${check.against}`;
        let p = pairs.get(key);
        if (!p) {
          p = { model: row.model, model_label: row.model_label, system_prompt_id: row.system_prompt_id, against: check.against, n: 0, wins: 0, ties: 0, losses: 0, errors: 0, win_rate: null, win_rate_ci95: null, tie_rate: null, loss_rate: null, loss_rate_ci95: null };
          pairs.set(key, p);
        }
        if (check.outcome === 'win') p.wins++;
        else if (check.outcome === 'tie') p.ties++;
        else if (check.outcome === 'loss') p.losses++;
        else {
          p.errors++;
          continue;
        }
        p.n++;
      }
    },
    finish() {
      return [...pairs.values()].map((p) => ({
        ...p,
        win_rate: p.n ? p.wins / p.n : null,
        win_rate_ci95: wilson(p.wins, p.n),
        tie_rate: p.n ? p.ties / p.n : null,
        loss_rate: p.n ? p.losses / p.n : null,
        loss_rate_ci95: wilson(p.losses, p.n),
      }));
    },
  };
}
