// GET {baseUrl}/models/{id}/endpoints (wire reference §4): OpenRouter's own figures for each
// provider of a model, shown beside what a run measured on its pinned arms. Parsed defensively:
// latency_last_30m and throughput_last_30m are null without a key, and the latency's unit is
// not settled (the docs say ms, their example values look like seconds), so figures are kept
// as OpenRouter gave them, never converted.
import type { Dispatcher } from 'undici';
import { request } from '../provider/undici.js';
import type { EndpointFigures, Percentiles } from '../types/summary.js';

const TIMEOUT_MS = 15_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function percentiles(v: unknown): Percentiles | null {
  if (!isRecord(v)) return null;
  const out = { p50: num(v.p50), p75: num(v.p75), p90: num(v.p90), p99: num(v.p99) };
  return Object.values(out).every((x) => x === null) ? null : out;
}

/** The endpoints of one model's body; [] for a body of another shape. */
export function parseEndpointsBody(body: unknown): EndpointFigures[] {
  const list = isRecord(body) && isRecord(body.data) && Array.isArray(body.data.endpoints) ? body.data.endpoints : [];
  return list.filter(isRecord).flatMap((e) => {
    const tag = str(e.tag);
    if (tag === null) return [];
    const pricing = isRecord(e.pricing) ? { prompt: str(e.pricing.prompt), completion: str(e.pricing.completion) } : null;
    return [{ tag, provider_name: str(e.provider_name), pricing, latency_last_30m: percentiles(e.latency_last_30m), throughput_last_30m: percentiles(e.throughput_last_30m) }];
  });
}

export interface FetchEndpointsOptions {
  baseUrl: string;
  model: string;
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
}

/** One model's endpoints; throws on a network error, a status other than 2xx or a body that is not JSON. */
export async function fetchEndpoints(opts: FetchEndpointsOptions): Promise<EndpointFigures[]> {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/models/${opts.model.split('/').map(encodeURIComponent).join('/')}/endpoints`;
  const response = await request(url, { method: 'GET', headers: { accept: 'application/json', ...opts.headers }, dispatcher: opts.dispatcher, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode > 299) throw new Error(`HTTP ${response.statusCode}`);
  return parseEndpointsBody(JSON.parse(text));
}
