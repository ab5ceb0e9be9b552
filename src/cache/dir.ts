// Where what outlives a run (the /models lists, the response cache) lives, from the injected env only.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env } from '../env.js';

/** With no variable set (tests, embedding), the system temp folder: nothing lands in a home the caller did not name. */
export function cacheRoot(env: Pick<Env, 'env'>): string {
  const e = env.env;
  if (e.AGENT_LAB_CACHE_DIR) return e.AGENT_LAB_CACHE_DIR;
  if (e.XDG_CACHE_HOME) return join(e.XDG_CACHE_HOME, 'agent-lab');
  if (e.HOME) return join(e.HOME, '.cache', 'agent-lab');
  return join(tmpdir(), 'agent-lab-cache');
}

export function responseCacheDir(env: Pick<Env, 'env' | 'cwd'>, given?: string): string {
  return given === undefined ? join(cacheRoot(env), 'responses') : resolve(env.cwd, given);
}
