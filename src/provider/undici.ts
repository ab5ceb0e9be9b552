// The parts of undici agent-lab uses, loaded from undici's own files. Its index also loads fetch,
// WebSocket, EventSource, the caches and the mocks: ~60 ms of CPU at every start that a run never
// uses (bench startup, docs/performance.md). Types still come from the package (undici-lib.d.ts).
// Plain imports, so the CLI bundle (scripts/bundle.mjs) takes these files in: resolving them at
// run time cost ~120 ms of package.json reads. undici 7 has no `exports` map, so these paths are
// public in practice; test/send-clock.test.ts and every client test load them, so a move in a
// future undici fails the suite, not a user.
import type * as Undici from 'undici';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import PoolClass from 'undici/lib/dispatcher/pool.js';
import errorsModule from 'undici/lib/core/errors.js';
import connectModule from 'undici/lib/core/connect.js';

// What undici's index does first: request(), stream(), pipeline() … on every dispatcher.
Object.assign((DispatcherClass as { prototype: object }).prototype, api);

export const Pool = PoolClass as typeof Undici.Pool;
export const errors = errorsModule as typeof Undici.errors;
export const buildConnector = connectModule as typeof Undici.buildConnector;

let own: Undici.Dispatcher | null = null;
/**
 * Our own Agent where a caller gives no dispatcher, never undici's global one: that global is
 * shared with Node's built-in fetch, and once fetch has made it, it is another undici that rejects
 * this one's handlers ("invalid onError method" on Node 22).
 */
function fallback(): Undici.Dispatcher {
  own ??= new (require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent)();
  return own;
}

/** `dispatcher` (or our own Agent) retrying as `options` say: undici's backoff, Retry-After included. Loaded on first use (metrics only). */
export function retrying(dispatcher: Undici.Dispatcher | undefined, options: Undici.RetryHandler.RetryOptions): Undici.Dispatcher {
  const RetryAgent = require('undici/lib/dispatcher/retry-agent.js') as typeof Undici.RetryAgent;
  return new RetryAgent(dispatcher ?? fallback(), options);
}

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & Partial<Pick<Undici.Dispatcher.RequestOptions, 'method'>> & { dispatcher?: Undici.Dispatcher };

/** undici's top-level `request(url, options)`: a URL on the given dispatcher (or our own Agent). */
export function request(url: string | URL, options: RequestOptions = {}): Promise<Undici.Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  const target = typeof url === 'string' ? new URL(url) : url;
  return (dispatcher ?? fallback()).request({
    ...rest,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: rest.method ?? 'GET',
  });
}
