// Pure: what `plan --shard` adds. Concurrency and the cap apply per shard: n shards may spend n × the cap.
import { formatTable, type Column } from '../render/format-table.js';
import { usd } from '../format.js';
import { shardLabel } from './shard.js';
import type { ShardSource } from './shard-env.js';

export interface ShardShare {
  shard: string;
  jobs: number;
  /** null when a price is unknown. */
  low_usd: number | null;
  high_usd: number | null;
}

export interface ShardPlan {
  shard: string;
  from: string;
  /** Per shard. */
  concurrency: number;
  max_cost: number | null;
  /** Across all shards: what one API key and one account see. */
  total_concurrency: number;
  total_max_cost: number | null;
  shares: ShardShare[];
}

/** `shares[i]`: shard i+1's jobs and estimate (run/plan.ts deals them in one pass over the matrix). */
export function shardPlan(source: ShardSource, shares: readonly Omit<ShardShare, 'shard'>[], settings: { concurrency: number; max_cost: number | null }): ShardPlan {
  const { count } = source.shard;
  return {
    shard: shardLabel(source.shard)!,
    from: source.from,
    concurrency: settings.concurrency,
    max_cost: settings.max_cost,
    total_concurrency: settings.concurrency * count,
    total_max_cost: settings.max_cost === null ? null : settings.max_cost * count,
    shares: shares.map((share, i) => ({ shard: `${i + 1}/${count}`, ...share })),
  };
}

const COLUMNS: Column[] = [{ header: 'shard' }, { header: 'jobs', align: 'right' }, { header: 'low $', align: 'right' }, { header: 'worst $', align: 'right' }];

export function renderShardPlan(p: ShardPlan): string {
  const n = p.shares.length;
  const rows = p.shares.map((s) => [s.shard === p.shard ? `${s.shard} (this)` : s.shard, s.jobs, usd(s.low_usd), usd(s.high_usd)]);
  const cap = p.max_cost === null ? 'no cost cap' : `--max-cost $${p.max_cost} each, up to $${p.total_max_cost} together`;
  return (
    `\nshard ${p.shard} from ${p.from}; the plan above is this shard's jobs.\n` +
    formatTable(COLUMNS, rows) +
    `Concurrency and the cost cap apply to each shard: ${n} shards × --concurrency ${p.concurrency} = up to ${p.total_concurrency} requests in flight on one API key; ${cap}.\n` +
    `To stay within one account's limits, give each shard 1/${n}: --concurrency ⌊C/${n}⌋ for a limit of C requests at once, --max-cost B/${n} for a budget of B.\n`
  );
}
