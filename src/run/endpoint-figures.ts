// OpenRouter's own figures for each provider arm that ran (models/endpoints.ts), looked up once
// the answers are in, to stand beside the measured ones. Only when /models was checked (a
// --no-preflight run asks the API nothing more); a failed lookup is a warning, never a failed run.
import type { Env } from '../env.js';
import { fetchEndpoints } from '../models/endpoints.js';
import { proxyDispatcher } from '../provider/proxy.js';
import type { EndpointFigures } from '../types/summary.js';
import type { RunPlan } from './prepare.js';

export async function endpointFigures(plan: RunPlan, ran: ReadonlySet<string>, env: Pick<Env, 'env'>): Promise<Record<string, EndpointFigures | null> | undefined> {
  const arms = plan.suite.models.filter((m) => m.provider !== undefined && ran.has(m.label));
  if (!arms.length || !plan.catalog) return undefined;
  const { baseUrl, apiKey, simulated } = plan.endpoint;
  // Without the key OpenRouter leaves latency and throughput null.
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const dispatcher = simulated ? undefined : proxyDispatcher(env.env);
  const lookups = [...new Set(arms.map((m) => m.id))].map(async (model): Promise<[string, EndpointFigures[]]> => {
    try {
      return [model, await fetchEndpoints({ baseUrl, model, headers, dispatcher })];
    } catch (error) {
      plan.logger.warn(`OpenRouter's endpoint figures for ${model} could not be read (${(error as Error).message}); the measured ones stand alone`);
      return [model, []];
    }
  });
  const found = new Map(await Promise.all(lookups));
  return Object.fromEntries(arms.map((m) => [m.label, found.get(m.id)?.find((e) => e.tag.toLowerCase() === m.provider!.toLowerCase()) ?? null]));
}
