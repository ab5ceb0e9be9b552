// The parts of undici agent-lab uses, loaded from undici's own files. Its index also loads fetch,
// WebSocket, EventSource, the caches and the mocks: ~60 ms of CPU at every start that a run never
// uses (bench startup, docs/performance.md). Types still come from the package. undici 7 has no
// `exports` map, so these paths are public in practice; test/send-clock.test.ts and every client
// test load them, so a move in a future undici fails the suite, not a user.
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

// What undici's index does first: request(), stream(), pipeline() … on every dispatcher.
const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js') as object);

export const Pool = require('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
export const errors = require('undici/lib/core/errors.js') as typeof Undici.errors;
export const buildConnector = require('undici/lib/core/connect.js') as typeof Undici.buildConnector;
const { getGlobalDispatcher } = require('undici/lib/global.js') as { getGlobalDispatcher: typeof Undici.getGlobalDispatcher };

/** `dispatcher` (or the global one) retrying as `options` say: undici's backoff, Retry-After included. Loaded on first use (metrics only). */
export function retrying(dispatcher: Undici.Dispatcher | undefined, options: Undici.RetryHandler.RetryOptions): Undici.Dispatcher {
  const RetryAgent = require('undici/lib/dispatcher/retry-agent.js') as typeof Undici.RetryAgent;
  return new RetryAgent(dispatcher ?? getGlobalDispatcher(), options);
}

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & Partial<Pick<Undici.Dispatcher.RequestOptions, 'method'>> & { dispatcher?: Undici.Dispatcher };

/** undici's top-level `request(url, options)`: a URL on the given (or the global) dispatcher. */
export function request(url: string | URL, options: RequestOptions = {}): Promise<Undici.Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  const target = typeof url === 'string' ? new URL(url) : url;
  return (dispatcher ?? getGlobalDispatcher()).request({
    ...rest,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: rest.method ?? 'GET',
  });
}
