// `cache info|clear`. Only files the cache itself writes are touched: a wrong --cache-dir loses nothing else.
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
  /** An entry is rewritten whole, so this is its age. */
  mtime: number;
  temp: boolean;
}

export interface CacheInfo {
  dir: string;
  exists: boolean;
  entries: number;
  bytes: number;
  oldest: string | null;
  newest: string | null;
  temp_files: number;
}

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
  kept: number;
}

/** `olderThanMs` null clears every entry; temp files go only after TEMP_GRACE_MS. */
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
