// Pure: a model entry's `providers: [a, b]` → one arm per provider, each pinned to it. OpenRouter
// serves one model through many providers at very different speeds and prices; an unpinned arm
// measures whichever the router picked, so a pinned arm sends `provider.only` with fallbacks off.
import type { Params } from '../types/job.js';

/** The request fields that pin a job to one provider (wire reference §6: slugs, `endpoints[].tag`). */
export function providerPin(provider: string): Params {
  return { provider: { only: [provider], allow_fallbacks: false } };
}

/** An arm's label: `label@provider`, so each provider is its own column and group. */
export const pinnedLabel = (label: string, provider: string): string => `${label}@${provider}`;

/** A model of the suite as the matrix expands it: one per provider arm. */
export interface ResolvedModel {
  /** Slug sent as `model`. */
  id: string;
  /** Display name (defaults to the slug). */
  label: string;
  params: Params;
  /** The model's own `stream`; absent: the suite's. */
  stream?: boolean;
  /** A provider arm's pin, over every params layer (the command line's too). */
  pin?: Params;
  /** The provider slug a provider arm is pinned to. */
  provider?: string;
}

/** One model entry's arms: itself when it lists no providers, else one pinned arm per provider. */
export function providerArms<T extends ResolvedModel>(model: T, providers: readonly string[] | undefined): T[] {
  if (!providers?.length) return [model];
  return providers.map((provider) => ({ ...model, label: pinnedLabel(model.label, provider), pin: providerPin(provider), provider }));
}
