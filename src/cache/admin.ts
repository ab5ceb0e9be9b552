// `agent-lab cache info|clear` on disk: what the response cache folder holds, and removing
// entries by age. Only files the cache itself writes are ever touched (`<2 hex>/<64 hex>.json`
// and their temp files), so a --cache-dir pointed at the wrong folder loses nothing else.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_SUFFIX } from './atomic.js';

const SHARD = /^[0-9a-f]{2}$/;
const ENTRY = /^[0-9a-f]{64}\.json$/;
const TEMP = /^[0-9a-f]{64}\.json\..+\.tmp$/;
/** A temp file younger than this may belong to a run writing it right now: clear leaves it. */
export const TEMP_GRACE_MS = 60 * 60 * 1000;

export interface CacheFile {
  path: string;
  bytes: number;
  /** When it was written, epoch ms (an entry is rewritten whole, so this is its age). */
  mtime: number;
  temp: boolean;
}

export interface CacheInfo {
  dir: string;
  exists: boolean;
  entries: number;
  bytes: number;
  /** ISO times of the oldest and newest entry; null when there is none. */
  oldest: string | null;
  newest: string | null;
  /** Temp files left by writers that were killed mid-write (never read). */
  temp_files: number;
}

/** Every file the cache wrote under `dir` (none when the folder does not exist). */
export async function cacheFiles(dir: string): Promise<CacheFile[] | null> {
  let shards: string[];
  try {
    shards = (await readdir(dir)).filter((name) => SHARD.test(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const files: CacheFile[] = [];
  for (const shard of shards) {
    const names = await readdir(join(dir, shard)).catch(() => [] as string[]);
    for (const name of names) {
      const temp = name.endsWith(TEMP_SUFFIX) && TEMP.test(name);
      if (!temp && !ENTRY.test(name)) continue;
      const path = join(dir, shard, name);
      const info = await stat(path).catch(() => null);
      if (info?.isFile()) files.push({ path, bytes: info.size, mtime: info.mtimeMs, temp });
    }
  }
  return files;
}

export async function cacheInfo(dir: string): Promise<CacheInfo> {
  const files = await cacheFiles(dir);
  const entries = (files ?? []).filter((f) => !f.temp);
  const times = entries.map((f) => f.mtime);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    dir,
    exists: files !== null,
    entries: entries.length,
    bytes: entries.reduce((sum, f) => sum + f.bytes, 0),
    oldest: times.length ? iso(Math.min(...times)) : null,
    newest: times.length ? iso(Math.max(...times)) : null,
    temp_files: (files ?? []).length - entries.length,
  };
}

export interface Cleared {
  removed: number;
  bytes: number;
  /** Entries younger than --older-than, left alone. */
  kept: number;
}

/** Remove entries written before `now − olderThanMs` (all of them when null), and stale temp files. */
export async function clearCache(dir: string, olderThanMs: number | null, now: number): Promise<Cleared> {
  const out: Cleared = { removed: 0, bytes: 0, kept: 0 };
  for (const file of (await cacheFiles(dir)) ?? []) {
    const age = now - file.mtime;
    const old = file.temp ? age >= Math.max(TEMP_GRACE_MS, olderThanMs ?? 0) : olderThanMs === null || age >= olderThanMs;
    if (!old) {
      if (!file.temp) out.kept++;
      continue;
    }
    await rm(file.path, { force: true });
    if (file.temp) continue;
    out.removed++;
    out.bytes += file.bytes;
  }
  return out;
}
