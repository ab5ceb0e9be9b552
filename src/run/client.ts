// The chat client a stage sends through (the subject's jobs, the judge's requests): one place
// for the endpoint, the attribution headers, the timeouts and the proxy.
import type { Settings } from '../config/settings.js';
import type { Env } from '../env.js';
import { createClient, type Client } from '../provider/client.js';
import type { SocketStock } from '../provider/preconnect.js';
import { proxyFromEnv } from '../provider/proxy.js';
import { VERSION } from '../version.js';
import type { RunPlan } from './prepare.js';

export function chatClient(plan: RunPlan, env: Env, sockets: SocketStock | null = null): Client {
  const { settings } = plan;
  return createClient({
    baseUrl: plan.endpoint.baseUrl,
    apiKey: plan.endpoint.apiKey,
    headers: attribution(settings),
    connections: settings.concurrency,
    timeouts: settings.timeouts,
    maxResponseBytes: settings.max_response_bytes,
    proxy: plan.endpoint.simulated ? null : proxyFromEnv(env.env),
    sockets,
    now: env.now,
    logger: plan.logger,
  });
}

function attribution(settings: Settings): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': `agent-lab/${VERSION}` };
  if (settings.app_url) headers['http-referer'] = settings.app_url;
  if (settings.app_title) headers['x-title'] = settings.app_title;
  return headers;
}
