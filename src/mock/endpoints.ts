// Pure: provider routing in the simulator. A request that pins providers (`provider.only`, or
// `order` with `allow_fallbacks: false`) is served by the first listed one that serves the model,
// at that endpoint's speed and price; none of them: OpenRouter's 404.
import type { MockEndpoint, MockModel } from './catalog.js';
import { jsonError } from './faults.js';
import { publicPricing } from './models-body.js';

const slug = (name: string) => name.toLowerCase().replace(/\s+/g, '-');

/** The model's endpoints: its own list, else one per provider name at the model's profile. */
export function endpointsOf(model: MockModel): MockEndpoint[] {
  return model.endpoints ?? model.providers.map((name) => ({ tag: slug(name), name, ttft_ms: model.ttft_ms, itl_ms: model.itl_ms, pricing: model.pricing }));
}

const names = (value: unknown): string[] | null => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null);

export type Routed = { model: MockModel } | { status: 404; body: string };

/** The model as the pinned endpoint serves it (its one provider, timing and prices); unpinned: the model as is. */
export function routeProvider(model: MockModel, body: Record<string, unknown>): Routed {
  const pref = typeof body.provider === 'object' && body.provider !== null ? (body.provider as Record<string, unknown>) : {};
  const allowed = names(pref.only) ?? (pref.allow_fallbacks === false ? names(pref.order) : null);
  if (allowed === null) return { model };
  const endpoints = endpointsOf(model);
  const wanted = allowed.map((a) => a.toLowerCase());
  const hit = wanted.map((w) => endpoints.find((e) => e.tag === w || slug(e.name) === w)).find((e) => e !== undefined);
  if (!hit) {
    // The shape OpenRouter answers with (issue threads of cline, opencode, agent-zero, 2025–2026).
    const metadata = { available_providers: endpoints.map((e) => e.tag), requested_providers: allowed };
    return { status: 404, body: jsonError(404, 'No allowed providers are available for the selected model.', metadata) };
  }
  return { model: { ...model, providers: [hit.name], ttft_ms: hit.ttft_ms, itl_ms: hit.itl_ms, pricing: hit.pricing } };
}

/** OpenRouter's figures over the last 30 minutes, from the endpoint's profile (latency in ms: the documented unit). */
const spread = (p50: number, up: boolean) => {
  const at = (f: number) => Math.round((up ? p50 * f : p50 / f) * 100) / 100;
  return { p50: at(1), p75: at(1.2), p90: at(1.5), p99: at(2) };
};

/** GET /models/{id}/endpoints. As on OpenRouter, latency and throughput are null without a key. */
export function endpointsBody(model: MockModel, authorized: boolean): string {
  const endpoints = endpointsOf(model).map((e) => ({
    name: `${e.name} | ${model.canonical_slug}`,
    model_id: model.id,
    model_name: model.name,
    context_length: model.context_length,
    pricing: publicPricing(e.pricing),
    provider_name: e.name,
    tag: e.tag,
    quantization: 'unknown',
    max_completion_tokens: model.max_completion_tokens,
    max_prompt_tokens: null,
    supported_parameters: [...model.supported_parameters].sort(),
    status: 0,
    uptime_last_30m: 100,
    supports_implicit_caching: false,
    latency_last_30m: authorized ? spread(e.ttft_ms, true) : null,
    throughput_last_30m: authorized ? spread(Math.round(1000 / Math.max(1, e.itl_ms)), false) : null,
  }));
  return JSON.stringify({ data: { id: model.id, name: model.name, created: model.created, description: model.description, architecture: { tokenizer: model.tokenizer, instruct_type: model.instruct_type }, endpoints } });
}
