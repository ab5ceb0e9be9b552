// The edge where `run` and `plan` get the model list; everything after takes it as data.
import { cacheRoot } from '../cache/dir.js';
import type { Env } from '../env.js';
import { AgentLabError } from '../errors.js';
import { fetchModels, type FetchedModels } from './fetch.js';
import { proxyDispatcher } from '../provider/proxy.js';
import type { ModelInfo } from './list.js';
import type { Pricing } from '../money/pricing.js';
import { findModelInfo } from './preflight.js';

export interface Catalog {
  models: ModelInfo[];
  baseUrl: string;
  fromCache: boolean;
  fetchedAt: string;
  find(id: string): ModelInfo | undefined;
  pricingOf(id: string): Pricing | null;
  /** Requested id → canonical (dated) slug, for telling a dated slug from a fallback. */
  canonical: Map<string, string>;
}

export interface LoadCatalogOptions {
  baseUrl: string;
  /** The simulator this command started: no disk cache. */
  simulated?: boolean;
  refresh?: boolean;
  headers?: Record<string, string>;
  /** After a failed fetch: what the user can do instead. */
  hint?: string;
  signal?: AbortSignal;
}

export async function loadCatalog(opts: LoadCatalogOptions, env: Pick<Env, 'env'>): Promise<Catalog> {
  // The simulator's port changes every time: caching its list would only litter the cache folder.
  if (opts.simulated) return catalogOf(await fetchModels({ baseUrl: opts.baseUrl, cacheDir: '', cache: false, signal: opts.signal }), 'the built-in simulator');
  try {
    return catalogOf(await fetchModels({ baseUrl: opts.baseUrl, cacheDir: cacheRoot(env), refresh: opts.refresh, headers: opts.headers, dispatcher: proxyDispatcher(env.env), signal: opts.signal }), opts.baseUrl);
  } catch (error) {
    if (error instanceof AgentLabError) throw new AgentLabError(`Preflight: ${error.message}${opts.hint ? ` (${opts.hint})` : ''}`, error.exitCode);
    throw error;
  }
}

export function catalogOf(fetched: FetchedModels, baseUrl: string): Catalog {
  const models = fetched.models;
  const canonical = new Map<string, string>();
  for (const m of models) if (m.canonical_slug) canonical.set(m.id, m.canonical_slug);
  return {
    models,
    baseUrl,
    fromCache: fetched.fromCache,
    fetchedAt: fetched.fetchedAt,
    find: (id) => findModelInfo(models, id),
    pricingOf: (id) => findModelInfo(models, id)?.pricing ?? null,
    canonical,
  };
}
