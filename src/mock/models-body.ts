// GET /models in the 2026 shape (wire reference §4): pricing as per-token decimal strings with
// zero-valued optional keys left out, `reasoning` only on reasoning models.
import { CATALOG, type MockModel, type MockPricing } from './catalog.js';

/** Required keys stay even when "0" (free models); every other zero-valued key is omitted. */
export function publicPricing(pricing: MockPricing): Record<string, string> {
  const out: Record<string, string> = { prompt: pricing.prompt, completion: pricing.completion };
  for (const [key, value] of Object.entries(pricing)) {
    if (key !== 'prompt' && key !== 'completion' && value !== undefined && Number(value) !== 0) out[key] = value;
  }
  return out;
}

function modelEntry(m: MockModel): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: m.id,
    canonical_slug: m.canonical_slug,
    hugging_face_id: '',
    name: m.name,
    created: m.created,
    description: m.description,
    context_length: m.context_length,
    architecture: {
      modality: `${[...m.input_modalities].sort((a, b) => (a === 'text' ? -1 : b === 'text' ? 1 : 0)).join('+')}->text`,
      input_modalities: m.input_modalities,
      output_modalities: ['text'],
      tokenizer: m.tokenizer,
      instruct_type: m.instruct_type,
    },
    pricing: publicPricing(m.pricing),
    top_provider: { context_length: m.context_length, max_completion_tokens: m.max_completion_tokens, is_moderated: m.id.startsWith('openai/') },
    per_request_limits: null,
    supported_parameters: [...m.supported_parameters].sort(),
    default_parameters: {},
    supported_voices: null,
    knowledge_cutoff: null,
    expiration_date: null,
    links: { details: `/api/v1/models/${m.canonical_slug}/endpoints` },
  };
  if (m.reasoning) {
    entry.reasoning = {
      mandatory: m.reasoning.mandatory,
      default_enabled: m.reasoning.default_enabled,
      supported_efforts: ['high', 'medium', 'low'],
      default_effort: 'medium',
      supports_max_tokens: true,
    };
  }
  return entry;
}

/** The whole body, built once: the catalog never changes while the server runs. */
export function modelsBody(): string {
  return JSON.stringify({ data: CATALOG.map(modelEntry), total_count: CATALOG.length, links: { next: null } });
}
