// One file per entry, owner-only (answers can be private); runs sharing a folder at worst store one answer twice.
import { constants } from 'node:fs';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { readEntry, type CacheEntry } from './entry.js';

const PRIVATE = { file: 0o600, dir: 0o700 };

export const entryFile = (dir: string, key: string): string => join(dir, key.slice(0, 2), `${key}.json`);

export type Lookup = { entry: CacheEntry } | { problem: string; file: string } | null;

export async function readCacheEntry(dir: string, key: string): Promise<Lookup> {
  const found = await readEntryText(dir, key);
  if (found === null || 'problem' in found) return found;
  const read = readEntry(found.text, key);
  return 'entry' in read ? read : { problem: read.problem, file: found.file };
}

/** The text stored under `key` (any kind of entry: answers, the judge's verdicts), a miss (null), or why it cannot be read. */
export async function readEntryText(dir: string, key: string): Promise<{ text: string; file: string } | { problem: string; file: string } | null> {
  const file = entryFile(dir, key);
  try {
    return { text: await readFile(file, 'utf8'), file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Gone between a listing and the read (a `cache clear`), or never there: a miss.
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    return { problem: `unreadable (${(error as Error).message})`, file };
  }
}

export function writeCacheEntry(dir: string, key: string, text: string): Promise<void> {
  return writeFileAtomic(entryFile(dir, key), text, PRIVATE);
}

export async function prepareCacheDir(dir: string, writes: boolean): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE.dir });
    await access(dir, writes ? constants.R_OK | constants.W_OK | constants.X_OK : constants.R_OK | constants.X_OK);
  } catch (error) {
    throw new ConfigError(`Cannot use the response cache folder ${dir}: ${(error as Error).message}. Choose another with --cache-dir (or AGENT_LAB_CACHE_DIR), or run without --cache.`);
  }
}
