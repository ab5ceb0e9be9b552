// `agent-lab models [id]`. Options are checked before anything is fetched, so a typo costs no request.
import { closest, distance } from 'fastest-levenshtein';
import type { Dispatcher } from 'undici';
import { cacheRoot } from '../cache/dir.js';
import { loadConfig } from '../config/load.js';
import { resolveSettings, type Settings } from '../config/settings.js';
import type { Env } from '../env.js';
import { VERSION } from '../version.js';
import { WARN } from '../warnings.js';
import { ConfigError } from '../errors.js';
import { fetchModels } from './fetch.js';
import { proxyDispatcher } from '../provider/proxy.js';
import { filterModels, SORT_KEYS, sortModels, suggestModels, type ModelFilter, type SortKey } from './list.js';
import { renderModelDetail, renderModelsCsv, renderModelsJson, renderModelsTable } from './table.js';

export interface ModelsCommandOptions {
  id?: string;
  search?: string;
  free?: boolean;
  supports?: string;
  /** `IN/OUT` in USD per million tokens; either side may be empty (`/5`, `1/`). */
  maxPrice?: string;
  minContext?: number;
  sort?: string;
  json?: boolean;
  csv?: boolean;
  refresh?: boolean;
  cache?: boolean;
  baseUrl: string;
  /** The simulator's port means nothing to a user. */
  endpointName?: string;
  cacheDir: string;
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
}

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export async function runModelsCommand(opts: ModelsCommandOptions, io: CommandIo): Promise<number> {
  const filter = filterFrom(opts);
  const sort = sortFrom(opts.sort);
  if (opts.json && opts.csv) throw new ConfigError('Expected at most one of `--json` and `--csv`');

  const { models, fromCache, fetchedAt } = await fetchModels({
    baseUrl: opts.baseUrl,
    cacheDir: opts.cacheDir,
    refresh: opts.refresh,
    cache: opts.cache,
    headers: opts.headers,
    dispatcher: opts.dispatcher,
  });
  const source = `${fromCache ? 'cached list' : 'fetched'} from ${fetchedAt}${fromCache ? ' (--refresh to update)' : ''}`;

  if (opts.id !== undefined) {
    const id = opts.id.trim();
    const model = models.find((m) => m.id === id) ?? models.find((m) => m.canonical_slug === id);
    if (!model) {
      throw new ConfigError(WARN.unknownModel(id, suggestModels(id, models.map((m) => m.id)), opts.endpointName ?? opts.baseUrl));
    }
    io.stdout(opts.json ? renderModelsJson([model]) : opts.csv ? renderModelsCsv([model]) : renderModelDetail(model));
    return 0;
  }

  // A misspelt --supports name matches nothing and would read as "no model can do this".
  const listed = new Set(['reasoning', 'tools', 'structured_outputs', ...models.flatMap((m) => m.supported_parameters)]);
  for (const name of filter.supports ?? []) {
    if (listed.has(name)) continue;
    const near = closest(name, [...listed]);
    io.stderr(`warning: no model lists \`${name}\`${distance(name, near) <= 3 ? ` (did you mean \`${near}\`?)` : ''}\n`);
  }
  const shown = sort ? sortModels(filterModels(models, filter), sort) : filterModels(models, filter);
  if (opts.json) io.stdout(renderModelsJson(shown));
  else if (opts.csv) io.stdout(renderModelsCsv(shown));
  else if (shown.length) io.stdout(renderModelsTable(shown));
  io.stderr(`${shown.length} of ${models.length} models match (${source})\n`);
  return 0;
}

function filterFrom(opts: ModelsCommandOptions): ModelFilter {
  const filter: ModelFilter = { search: opts.search, free: opts.free };
  if (opts.supports !== undefined) {
    const names = opts.supports.split(',').map((s) => s.trim()).filter(Boolean);
    if (!names.length) throw new ConfigError('Expected `--supports` to list parameter names, e.g. tools,reasoning');
    filter.supports = names;
  }
  if (opts.maxPrice !== undefined) {
    const parts = opts.maxPrice.split('/');
    const [input, output] = parts.map((s) => s.trim());
    if (parts.length !== 2 || (!input && !output)) {
      throw new ConfigError(`Expected \`--max-price\` as IN/OUT in USD per million tokens (e.g. 1/4, /10, 0.5/), got \`${opts.maxPrice}\``);
    }
    if (input) filter.maxPriceIn = price(input, 'input');
    if (output) filter.maxPriceOut = price(output, 'output');
  }
  if (opts.minContext !== undefined) {
    if (!Number.isInteger(opts.minContext) || opts.minContext < 1) {
      throw new ConfigError(`Expected \`--min-context\` to be a whole number of tokens from 1 and up, got \`${opts.minContext}\``);
    }
    filter.minContext = opts.minContext;
  }
  return filter;
}

function price(text: string, side: string): number {
  const value = Number(text);
  if (!/^\d*\.?\d+$|^\d+\.$/.test(text) || !Number.isFinite(value)) {
    throw new ConfigError(`Expected the ${side} side of \`--max-price\` to be a number of USD per million tokens, got \`${text}\``);
  }
  return value;
}

function sortFrom(sort: string | undefined): SortKey | null {
  if (sort === undefined) return null;
  if (!(SORT_KEYS as readonly string[]).includes(sort)) {
    throw new ConfigError(`Expected \`--sort\` to be one of ${SORT_KEYS.join(', ')}, got \`${sort}\``);
  }
  return sort as SortKey;
}

export async function modelsCommand(
  id: string | undefined,
  opts: Omit<ModelsCommandOptions, 'id' | 'baseUrl' | 'cacheDir'> & { mock?: boolean; baseUrl?: string; config?: string },
  env: Env,
): Promise<number> {
  const { config } = await loadConfig(opts.config, env.cwd);
  const settings = resolveSettings(config, env.env, opts.baseUrl === undefined ? {} : { base_url: opts.baseUrl });
  const io: CommandIo = { stdout: (s) => env.stdout.write(s), stderr: (s) => env.stderr.write(s) };
  const headers = attributionHeaders(settings);
  if (!opts.mock) return runModelsCommand({ ...opts, id, baseUrl: settings.base_url, cacheDir: cacheRoot(env), headers, dispatcher: opts.dispatcher ?? proxyDispatcher(env.env) }, io);
  const { startMockServer } = await import('../mock/server.js');
  const server = await startMockServer({});
  try {
    return await runModelsCommand({ ...opts, id, baseUrl: server.url, endpointName: 'the built-in simulator', cacheDir: cacheRoot(env), headers, cache: false }, io);
  } finally {
    await server.close();
  }
}

/** /models needs no key (wire reference §4), so none is sent; only the app attribution. */
function attributionHeaders(settings: Settings): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': `agent-lab/${VERSION}` };
  if (settings.app_url) headers['http-referer'] = settings.app_url;
  if (settings.app_title) headers['x-title'] = settings.app_title;
  return headers;
}
