// The chat pool and the /generation lookup pool of one endpoint (an EnvHttpProxyAgent each when a proxy is set).
import type { Dispatcher } from 'undici';
import { preciseConnector } from './connector.js';
import type { SocketStock } from './preconnect.js';
import { proxyAgent, type ProxySettings } from './proxy.js';
import { Pool } from './undici.js';

export interface PoolSettings {
  connect_ms: number;
  total_ms: number;
  connections: number;
  proxy?: ProxySettings | null;
  sockets?: SocketStock | null;
}

export function createPools(options: PoolSettings, origin: string): { pool: Dispatcher; lookupPool: Dispatcher } {
  const poolOptions = {
    pipelining: 1,
    connect: preciseConnector(options.connect_ms),
    // Our own timers below measure ttft/idle/total precisely; undici's are a looser backstop.
    headersTimeout: options.total_ms + 1000,
    bodyTimeout: options.total_ms + 1000,
    keepAliveTimeout: 30_000,
  };
  // /generation lookups get their own connections: on the chat pool they queued behind streams
  // (and streams behind them), which delayed jobs and showed up as latency. As many as the chat
  // pool, because a server shares its time per connection: with fewer, lookups fell behind
  // short jobs and the backlog (a row each) grew with the run (bench: 9 KB per job at 100k).
  const dispatcher = (connections: number, connect = poolOptions.connect): Dispatcher =>
    options.proxy ? proxyAgent(options.proxy, { ...poolOptions, connections }) : new Pool(origin, { ...poolOptions, connect, connections });
  const pool = dispatcher(Math.max(1, options.connections), options.sockets?.connector);
  const lookupPool = dispatcher(Math.max(4, options.connections));
  return { pool, lookupPool };
}
