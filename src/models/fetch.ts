// GET /models with a 5-minute disk cache per base URL: the CDN caches it that long anyway (wire reference §4).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../cache/atomic.js';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { request } from '../provider/undici.js';
import { AgentLabError, EXIT } from '../errors.js';
import { parseModelsBody, type ModelInfo } from './list.js';
import { redact as redactPatterns, redactor } from '../log.js';

export interface FetchModelsOptions {
  baseUrl: string;
  cacheDir: string;
  ttlMs?: number;
  /** Ignore the cache (it is still rewritten). */
  refresh?: boolean;
  /** false: neither read nor write the cache (the simulator's throwaway port). */
  cache?: boolean;
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
  /** Stops the download (a run that failed on its suite while /models was on its way). */
  signal?: AbortSignal;
  now?: () => number;
}

export interface FetchedModels {
  models: ModelInfo[];
  fromCache: boolean;
  /** From the network, even for a cached list. */
  fetchedAt: string;
}

interface CacheFile {
  base_url: string;
  fetched_at: string;
  body: unknown;
}

export const MODELS_TTL_MS = 5 * 60_000;
const TIMEOUT_MS = 30_000;

export async function fetchModels(opts: FetchModelsOptions): Promise<FetchedModels> {
  const now = opts.now ?? Date.now;
  const base = opts.baseUrl.replace(/\/+$/, '');
  // The cache names its endpoint without a password in the URL: the file is on disk for anyone.
  const key = redactPatterns(base);
  const file = cacheFile(opts.cacheDir, key);
  const useCache = opts.cache !== false;
  if (useCache && !opts.refresh) {
    const cached = await readCache(file, key);
    const age = cached ? now() - Date.parse(cached.fetched_at) : Infinity;
    if (cached && age >= 0 && age < (opts.ttlMs ?? MODELS_TTL_MS)) {
      return { models: parseModelsBody(cached.body), fromCache: true, fetchedAt: cached.fetched_at };
    }
  }
  const body = await download(`${base}/models`, opts);
  let models: ModelInfo[];
  try {
    models = parseModelsBody(body);
  } catch (error) {
    throw new AgentLabError(`${(error as Error).message}; received from ${redact(`${base}/models`, opts.headers)}`, EXIT.jobs_failed);
  }
  const fetchedAt = new Date(now()).toISOString();
  if (useCache) await writeCache(file, { base_url: key, fetched_at: fetchedAt, body });
  return { models, fromCache: false, fetchedAt };
}

export function cacheFile(cacheDir: string, baseUrl: string): string {
  const key = createHash('sha256').update(baseUrl.replace(/\/+$/, '')).digest('hex').slice(0, 32);
  return join(cacheDir, `models-${key}.json`);
}

async function download(url: string, opts: FetchModelsOptions): Promise<unknown> {
  const shown = redact(url, opts.headers);
  let status: number;
  let text: string;
  try {
    const response = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...opts.headers },
      dispatcher: opts.dispatcher,
      signal: opts.signal,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    const reason = redact((error as Error).message, opts.headers);
    throw new AgentLabError(`Could not fetch the model list from ${shown}: ${reason}. Check --base-url and the network.`, EXIT.jobs_failed);
  }
  if (status < 200 || status > 299) {
    const detail = redact(errorDetail(text), opts.headers);
    // A 404 here is nearly always a base URL without its API path (the simulator prints its own with it).
    const hint = status === 404 ? '. Check --base-url: it ends in the API path, e.g. https://openrouter.ai/api/v1' : '';
    throw new AgentLabError(`The model list request to ${shown} failed with HTTP ${status}${detail ? `: ${detail}` : ''}${hint}`, EXIT.jobs_failed);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AgentLabError(`The model list from ${shown} is not JSON (HTTP ${status})`, EXIT.jobs_failed);
  }
}

function errorDetail(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Header values (the API key) and URL credentials. */
function redact(text: string, headers: Record<string, string> = {}): string {
  return redactor(Object.values(headers))(text);
}

async function readCache(file: string, base: string): Promise<CacheFile | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheFile>;
    // A hash collision or a hand-edited file must not serve another endpoint's list.
    if (parsed.base_url !== base || typeof parsed.fetched_at !== 'string' || Number.isNaN(Date.parse(parsed.fetched_at))) return null;
    return parsed as CacheFile;
  } catch {
    return null; // missing or corrupt: fetch again
  }
}

async function writeCache(file: string, content: CacheFile): Promise<void> {
  // The listing is still good; an unwritable cache only costs a refetch next time.
  await writeFileAtomic(file, JSON.stringify(content)).catch(() => undefined);
}
