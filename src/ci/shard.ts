// Pure: `--shard i/n`, dealt round-robin in job_id order; matrix order could put each model on its own shard.
import { ConfigError } from '../errors.js';
import type { Job } from '../types/job.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** What run.json records, so `agent-lab merge` can check coverage without the suite. */
export interface ShardInfo extends Shard {
  job_ids: string[];
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ConfigError(`Expected \`--shard\` as i/n with 1 ≤ i ≤ n, like 2/4; got \`${text}\`.`);
  }
  return { index, count };
}

export function shardJobs(jobs: readonly Job[], shard: Shard): Job[] {
  const mine = shardIds(jobs.map((job) => job.job_id), shard);
  return jobs.filter((job) => mine.has(job.job_id));
}

export function shardIds(ids: readonly string[], shard: Shard): Set<string> {
  return new Set([...ids].sort().filter((_, position) => position % shard.count === shard.index - 1));
}

export const shardLabel = (shard: Shard | null | undefined): string | null => (shard ? `${shard.index}/${shard.count}` : null);

export interface MergePart {
  dir: string;
  shard: ShardInfo | null;
  matrix_size: number;
  row_ids: readonly string[];
}

export interface Coverage {
  matrix_size: number;
  /** Distinct jobs that have a row. */
  covered: number;
  missing: number;
  missing_shards: string[];
  /** Ids a shard was given but has no row for (a shard that crashed part-way). */
  missing_job_ids: string[];
  overlaps: { job_id: string; dirs: string[] }[];
  problems: string[];
}

export function coverage(parts: readonly MergePart[]): Coverage {
  const problems: string[] = [];
  const matrixSize = parts[0]?.matrix_size ?? 0;
  if (parts.some((p) => p.matrix_size !== matrixSize)) problems.push(`the folders have different matrix sizes (${parts.map((p) => p.matrix_size).join(', ')}): they ran different filters or params`);
  const counts = new Set(parts.filter((p) => p.shard).map((p) => p.shard!.count));
  if (counts.size > 1) problems.push(`the folders were cut into different shard counts (${[...counts].join(', ')})`);
  const seenShard = new Map<string, string>();
  for (const p of parts) {
    const label = shardLabel(p.shard);
    if (label === null) continue;
    const other = seenShard.get(label);
    if (other !== undefined) problems.push(`shard ${label} is given twice: ${other} and ${p.dir}`);
    else seenShard.set(label, p.dir);
  }
  const count = counts.size === 1 ? [...counts][0]! : null;
  const missingShards = count === null ? [] : Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter((label) => !seenShard.has(label));

  const where = new Map<string, string[]>();
  const missingIds: string[] = [];
  for (const p of parts) {
    for (const id of p.row_ids) where.set(id, [...(where.get(id) ?? []), p.dir]);
    if (p.shard) {
      const has = new Set(p.row_ids);
      missingIds.push(...p.shard.job_ids.filter((id) => !has.has(id)));
    }
  }
  const overlaps = [...where].filter(([, dirs]) => dirs.length > 1).map(([job_id, dirs]) => ({ job_id, dirs }));
  return { matrix_size: matrixSize, covered: where.size, missing: Math.max(0, matrixSize - where.size), missing_shards: missingShards, missing_job_ids: missingIds, overlaps, problems };
}
