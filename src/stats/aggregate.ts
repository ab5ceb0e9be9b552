// Pure: rows in, summary statistics out. Rows are added one at a time so a 100k-job run is
// summarised while it streams off disk; only the numbers each metric needs are kept.
import { createReconciler } from '../money/reconcile.js';
import { createConsistency, type ConsistencyOptions } from './consistency.js';
import { createPairwise } from './pairwise.js';
import type { JobResult } from '../types/result.js';
import { addTo, gatherValues, newGroup, partSums, summarise, type Group } from './group.js';
import { groupId, type GroupKey, type RunHeader, type RunSummary } from '../types/summary.js';

export interface Aggregator {
  add(row: JobResult): void;
  finish(meta: RunHeader & Pick<RunSummary, 'throttles' | 'estimate'>): RunSummary;
}

export interface AggregatorOptions extends ConsistencyOptions {
  /** Requested id → /models canonical slug, so a dated slug is not taken for a fallback. */
  canonical?: ReadonlyMap<string, string>;
  /**
   * The model × system prompt arms in the suite's order (suiteGroupOrder): groups are listed in
   * it. Rows arrive in the order jobs finish, so without it two runs of one suite could list
   * their groups differently; groups it does not name follow, as they arrived.
   */
  groupOrder?: Iterable<GroupKey>;
}

export function createAggregator(opts: AggregatorOptions = {}): Aggregator {
  const groups = new Map<string, Group>();
  const overall = newGroup('*', '*', '*');
  const reconciler = createReconciler(opts.canonical);
  const consistency = createConsistency(opts);
  const pairwise = createPairwise();
  return {
    add(row) {
      reconciler.add(row);
      pairwise.add(row);
      const key = groupId(row);
      consistency.add(row, key);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = newGroup(row.model, row.model_label, row.system_prompt_id)));
      addTo(group, row);
      // The overall row keeps counters only; its timing values are the groups' (one copy, not two).
      addTo(overall, row, false);
    },
    finish(meta) {
      for (const g of groups.values()) {
        gatherValues(g, [...g.byProvider!.values()]);
        partSums(g, [...g.byProvider!.values()]);
      }
      gatherValues(overall, [...groups.values()]);
      partSums(overall, [...overall.byProvider!.values()]);
      for (const [name, sub] of overall.byProvider!) gatherValues(sub, [...groups.values()].flatMap((g) => g.byProvider!.get(name) ?? []));
      const all = summarise(overall);
      // The estimate made before the run, set against what the same rows really cost.
      const estimate = meta.estimate
        ? { ...meta.estimate, actual_usd: all.cost_usd, prompt_tokens_actual: all.native_tokens_prompt, prompt_tokens_actual_jobs: overall.native_prompt_n }
        : undefined;
      const list = ordered(groups, opts.groupOrder);
      const perTask = consistency.finish(list);
      const pairs = pairwise.finish();
      return {
        ...meta, estimate, groups: list.map(summarise), overall: all, reconciliation: reconciler.finish(),
        ...(perTask.length ? { consistency: perTask } : {}),
        ...(pairs.length ? { pairwise: pairs } : {}),
      };
    },
  };
}

/** The suite's model × system prompt arms in matrix order (models first, then prompts). */
export function suiteGroupOrder(suite: { models: readonly { id: string; label?: string }[]; systemPrompts: readonly { id: string }[] }): GroupKey[] {
  return suite.models.flatMap((m) => suite.systemPrompts.map((p) => ({ model: m.id, model_label: m.label ?? m.id, system_prompt_id: p.id })));
}

function ordered(groups: Map<string, Group>, order: AggregatorOptions['groupOrder']): Group[] {
  if (!order) return [...groups.values()];
  const rank = new Map<string, number>();
  for (const group of order) {
    const key = groupId(group);
    if (!rank.has(key)) rank.set(key, rank.size);
  }
  // Array sort is stable: unranked groups keep their arrival order, after the ranked ones.
  return [...groups.entries()].sort(([a], [b]) => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size)).map(([, g]) => g);
}

export function summarize(rows: Iterable<JobResult>, meta: Parameters<Aggregator['finish']>[0]): RunSummary {
  const agg = createAggregator();
  for (const row of rows) agg.add(row);
  return agg.finish(meta);
}

