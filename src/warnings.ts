// The one catalogue of warning (and preflight error) texts, each with a hint for the options in use.

import { atStake, type CostPlan } from './money/plan.js';
import { usd } from './format.js';

export const WARN = {
  unknownModel: (model: string, near: string[], baseUrl: string) =>
    `Unknown model \`${model}\` at ${baseUrl}.` +
    (near.length ? ` Did you mean ${near.map((s) => `\`${s}\``).join(', ')}?` : ' Run `agent-lab models --search <words>` to look for it.'),

  unsupportedParam: (model: string, param: string, strict: boolean) =>
    strict
      ? `${model} does not list \`${param}\` in its supported_parameters, and --strict-params is on: OpenRouter would refuse to route it (provider.require_parameters). Remove the param for this model or drop --strict-params.`
      : `${model} does not list \`${param}\` in its supported_parameters: providers silently ignore unsupported params. Pass --strict-params to make this an error (it also sends provider.require_parameters: true).`,

  maxTokensOverLimit: (model: string, maxTokens: number, limit: number) =>
    `${model}: max_tokens ${maxTokens} is above the top provider's max_completion_tokens ${limit}; the provider may refuse the request or cut the answer at ${limit}.`,

  overContext: (model: string, promptTokens: number, maxTokens: number, context: number) =>
    `${model}: an estimated ${promptTokens} prompt tokens + max_tokens ${maxTokens} exceed its context length ${context}; the request may be refused. Lower max_tokens or shorten the prompt.`,

  reasoningUnsupported: (model: string, param: string) =>
    `${model} lists no reasoning support, but \`${param}\` is set: it will be ignored and no reasoning tokens will be produced.`,

  imagesUnsupported: (model: string, modalities: string[]) =>
    `${model} lists input_modalities ${modalities.length ? modalities.join(', ') : '(none)'} in /models, without image: tasks with images may be refused or their images ignored.`,

  pricesUnknown: (models: string[]) =>
    `No usable prices for ${models.map((m) => `\`${m}\``).join(', ')} in /models (missing, or a negative "depends on the routed model" price): cost estimates for them are unknown.`,

  budgetNeedsPrices: (models: string[]) =>
    `A cost cap needs every model's prices, and /models has none for ${models.map((m) => `\`${m}\``).join(', ')}. Remove those models, or drop --max-cost / max_cost (agent-lab will not guess a price).`,

  estimateLine: (plan: CostPlan, cap: number | null) => {
    // Everything the run sends: the warmup requests are paid for too.
    const t = atStake(plan);
    const more = t.incomplete ? '+?' : '';
    const range = t.low_usd === t.high_usd ? `${usd(t.high_usd)}${more}` : `${usd(t.low_usd)}${more} (${plan.expect_tokens} tokens an answer) to ${usd(t.high_usd)}${more} (every max_tokens)`;
    const warmups = plan.warmup ? ` and ${plan.warmup.jobs} warmup request(s)` : '';
    return `estimate: ${range} for ${plan.jobs} job(s)${warmups}` +
    (cap === null ? '' : `, cap $${cap}`) +
    '; `agent-lab plan` shows the breakdown';
  },

  budgetNeedsPreflight: () =>
    'A cost cap needs the prices from /models, which --no-preflight skips. Drop --no-preflight, or drop --max-cost / max_cost.',

  simulatorCostsGone: (rows: number, capped: boolean) =>
    `${rows} job(s) of the earlier run have costs that cannot be looked up: the built-in simulator that served them stopped with that run (--mock). They are marked cost_source none${capped ? ' and count at their worst case against the cap' : ''}; nothing is waited for.`,

  budgetStopped: (spent: string, cap: string, skipped: number) =>
    `cost cap: $${spent} spent of $${cap}; ${skipped} job(s) not sent (their worst case would not fit). They are rows with status skipped; resume with a higher --max-cost to run them, or lower max_tokens to shrink the worst case.`,

  speedChecksApart: () =>
    'min_pass_rate no longer counts the speed checks (max_ttft_ms, max_latency_ms, max_itl_ms, min_output_tps): a slow answer is not a wrong one. They are counted in slo_met; add the gate min_slo_met_rate (e.g. --gate min_slo_met_rate=1) to fail the run on them as before.',

  metricsNotSent: (failed: string[], hasHistory: boolean) =>
    `Metrics not delivered (the run's files are written; the exit code is the run's):\n  ${failed.join('\n  ')}\n` +
    (hasHistory ? 'Send them again, without running anything, with `agent-lab history --export` and the same metrics flags.' : 'This run keeps no history (--no-history), so `agent-lab history --export` cannot send them again.'),
} as const;
