// `agent-lab cache info` and `agent-lab cache clear [--older-than 7d]`, as text or JSON.
import type { Env } from '../env.js';
import { EXIT, type ExitCode } from '../errors.js';
import { cacheInfo, clearCache } from './admin.js';
import { responseCacheDir } from './dir.js';

export interface CacheCommandOptions {
  cacheDir?: string;
  json?: boolean;
  olderThanMs?: number;
}

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);

export async function runCacheInfo(opts: CacheCommandOptions, env: Env): Promise<ExitCode> {
  const info = await cacheInfo(responseCacheDir(env, opts.cacheDir));
  if (opts.json) {
    env.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines = [`response cache: ${info.dir}${info.exists ? '' : ' (not created yet)'}`, `entries: ${info.entries} (${size(info.bytes)})`];
  if (info.oldest) lines.push(`oldest: ${info.oldest}`, `newest: ${info.newest}`);
  if (info.temp_files) lines.push(`temp files: ${info.temp_files} (left by runs killed mid-write; never read, \`agent-lab cache clear\` removes them after an hour)`);
  env.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

export async function runCacheClear(opts: CacheCommandOptions, env: Env): Promise<ExitCode> {
  const dir = responseCacheDir(env, opts.cacheDir);
  const cleared = await clearCache(dir, opts.olderThanMs ?? null, env.date().getTime());
  if (opts.json) env.stdout.write(`${JSON.stringify({ dir, ...cleared }, null, 2)}\n`);
  else env.stdout.write(`removed ${cleared.removed} entr${cleared.removed === 1 ? 'y' : 'ies'} (${size(cleared.bytes)}) from ${dir}${cleared.kept ? `; kept ${cleared.kept} newer` : ''}\n`);
  return EXIT.ok;
}
