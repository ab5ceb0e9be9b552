// The run's chat connections, opened the moment prepare knows the endpoint: the handshakes
// happen while /models is fetched and the matrix checked, not in the first wave of requests.
import type { Settings } from '../config/settings.js';
import type { Env } from '../env.js';
import { preconnect, type SocketStock } from '../provider/preconnect.js';
import { proxyFromEnv } from '../provider/proxy.js';
import type { Endpoint } from './prepare.js';

/** As many as the run will use at once; none behind a proxy (the proxy agent opens its own). */
export function openConnections(endpoint: Endpoint, settings: Settings, jobs: number, env: Env): SocketStock | null {
  if (!endpoint.simulated && proxyFromEnv(env.env)) return null;
  return preconnect(endpoint.baseUrl, Math.min(settings.concurrency, jobs), settings.timeouts.connect_ms);
}
