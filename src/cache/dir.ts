// Where agent-lab keeps what outlives a run: the /models lists and the response cache. One
// function decides it for both, from the injected environment only.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env } from '../env.js';

/**
 * $AGENT_LAB_CACHE_DIR, else $XDG_CACHE_HOME/agent-lab, else ~/.cache/agent-lab; with none of
 * them set (tests, embedding), the system temp folder, so nothing lands in a home the caller did
 * not name.
 */
export function cacheRoot(env: Pick<Env, 'env'>): string {
  const e = env.env;
  if (e.AGENT_LAB_CACHE_DIR) return e.AGENT_LAB_CACHE_DIR;
  if (e.XDG_CACHE_HOME) return join(e.XDG_CACHE_HOME, 'agent-lab');
  if (e.HOME) return join(e.HOME, '.cache', 'agent-lab');
  return join(tmpdir(), 'agent-lab-cache');
}

/** The response cache's folder: --cache-dir (relative to cwd) as given, else `responses/` in the cache root. */
export function responseCacheDir(env: Pick<Env, 'env' | 'cwd'>, given?: string): string {
  return given === undefined ? join(cacheRoot(env), 'responses') : resolve(env.cwd, given);
}
