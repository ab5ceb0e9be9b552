// The pre-run estimate: prompt-token heuristic, low/worst cost per job checked by hand, the plan's
// sums, unknown prices kept unknown, and the plan table.
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { estimateJob, estimatePromptTokens, nativeCostEstimate, reservationFor, worstCase } from '../src/money/estimate.js';
import { atStake, buildPlan, createPlanner } from '../src/money/plan.js';
import { usd } from '../src/format.js';
import { modelsBody } from '../src/mock/models-body.js';
import { parseModelsBody } from '../src/models/list.js';
import { pricingFrom } from '../src/money/pricing.js';
import { renderPlanTable } from '../src/money/plan-table.js';
import { WARN } from '../src/warnings.js';
import type { Message } from '../src/types/job.js';
import { job } from './helpers/jobs.js';

const catalog = parseModelsBody(JSON.parse(modelsBody()));
const pricingOf = (id: string) => catalog.find((m) => m.id === id)?.pricing ?? null;
const AT = new Date('2026-06-01T12:00:00Z');


describe('estimatePromptTokens', () => {
  it('counts ceil(bytes / 4) + 4 per message, + 3 per request', () => {
    expect(estimatePromptTokens([{ role: 'user', content: 'What is the capital of France?' }])).toBe(8 + 4 + 3);
    const two: Message[] = [
      { role: 'system', content: 'Answer in one sentence.' }, // 23 bytes → 6
      { role: 'user', content: 'Hi' }, // 2 bytes → 1
    ];
    expect(estimatePromptTokens(two)).toBe(6 + 4 + 1 + 4 + 3);
    expect(estimatePromptTokens([])).toBe(3);
  });

  it('counts tool and schema definitions as prompt', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }]; // 61 bytes of JSON → 16
    expect(JSON.stringify(tools)).toHaveLength(61);
    expect(estimatePromptTokens([], { tools, max_tokens: 5 })).toBe(3 + 16);
  });

  it('counts bytes, so non-Latin text is not under-counted', () => {
    // 4 characters of 3 bytes each: 12 bytes → 3 tokens, where characters / 4 would give 1.
    expect(estimatePromptTokens([{ role: 'user', content: '東京都庁' }])).toBe(3 + 4 + 3);
  });
});

describe('estimateJob', () => {
  it('low = prompt + expected answer, worst = prompt + max_tokens, exact decimals (by hand for gpt-4o-mini)', () => {
    const e = estimateJob(job(), pricingOf('openai/gpt-4o-mini'), 40, AT);
    expect(e.prompt_tokens).toBe(15);
    // 15 × 0.00000015 + 40 × 0.0000006 = 0.00000225 + 0.000024
    expect(e.low_usd!.toFixed()).toBe('0.00002625');
    // 15 × 0.00000015 + 100 × 0.0000006 = 0.00000225 + 0.00006
    expect(e.high_usd!.toFixed()).toBe('0.00006225');
  });

  it('caps the low end at max_tokens, and knows nothing without prices', () => {
    const e = estimateJob(job({ params: { max_tokens: 10 } }), pricingOf('openai/gpt-4o-mini'), 256, AT);
    expect(e.low_completion).toBe(10);
    expect(e.low_usd!.eq(e.high_usd!)).toBe(true);
    const unknown = estimateJob(job(), null, 40, AT);
    expect(unknown.low_usd).toBeNull();
    expect(unknown.high_usd).toBeNull();
  });

  it('worst case bills every completion token at the dearer of completion and internal_reasoning', () => {
    const pricing = pricingFrom({ prompt: '0.000001', completion: '0.000002', internal_reasoning: '0.000005' })!;
    expect(worstCase(pricing, 10, 100, AT).toFixed()).toBe('0.00051'); // 10 × 1e-6 + 100 × 5e-6
    const cheapThinking = pricingFrom({ prompt: '0.000001', completion: '0.000002', internal_reasoning: '0.000001' })!;
    expect(worstCase(cheapThinking, 10, 100, AT).toFixed()).toBe('0.00021');
  });

  it('applies long-context overrides, the request fee and the discount', () => {
    const pricing = pricingFrom({ prompt: '0.000001', completion: '0.000002', request: '0.001', discount: 0.5, overrides: [{ min_prompt_tokens: 10, prompt: '0.000003' }] })!;
    // 15 prompt tokens ≥ 10: the override's prompt price; (15 × 3e-6 + 100 × 2e-6 + 0.001) × 0.5
    expect(estimateJob(job(), pricing, 40, AT).high_usd!.toFixed()).toBe('0.0006225');
  });
});

describe('reservationFor', () => {
  it('raises the prompt estimate by 25 % and assumes the whole max_tokens', () => {
    // ceil(15 × 1.25) = 19 prompt tokens: 19 × 0.00000015 + 100 × 0.0000006
    expect(reservationFor(job(), pricingOf('openai/gpt-4o-mini')!, AT).toFixed()).toBe('0.00006285');
  });
});

describe('nativeCostEstimate', () => {
  it('prices native counts, cached reads at input_cache_read; unknown stays null', () => {
    const counts = { native_tokens_prompt: 20, native_tokens_completion: 4, native_tokens_reasoning: 0, native_tokens_cached: 10 };
    // 10 × 0.000000075 + 10 × 0.00000015 + 4 × 0.0000006
    expect(nativeCostEstimate(counts, pricingOf('openai/gpt-4o-mini'), AT)).toBe(0.00000465);
    expect(nativeCostEstimate({ ...counts, native_tokens_prompt: null }, pricingOf('openai/gpt-4o-mini'), AT)).toBeNull();
    expect(nativeCostEstimate(counts, null, AT)).toBeNull();
  });
});

describe('buildPlan', () => {
  const jobs = [
    job({ system_prompt_id: 'a' }),
    job({ system_prompt_id: 'a', repeat: 1 }),
    job({ system_prompt_id: 'b' }),
    job({ model: 'mock/echo', model_label: 'echo' }),
    job({ model: 'vendor/unlisted', model_label: 'unlisted' }),
  ];
  const plan = buildPlan(jobs, pricingOf, 40, AT);

  it('sums per model × prompt, per model and in total', () => {
    expect(plan.jobs).toBe(5);
    expect(plan.groups.map((g) => [g.model_label, g.system_prompt_id, g.jobs])).toEqual([
      ['openai/gpt-4o-mini', 'a', 2], ['openai/gpt-4o-mini', 'b', 1], ['echo', 'none', 1], ['unlisted', 'none', 1],
    ]);
    const mini = plan.models.find((m) => m.model === 'openai/gpt-4o-mini')!;
    expect(mini).toMatchObject({ jobs: 3, prompt_tokens: 45, low_usd: 0.00007875, high_usd: 0.00018675 });
    expect(plan.models.find((m) => m.model === 'mock/echo')).toMatchObject({ low_usd: 0, high_usd: 0 });
  });

  it('keeps an unknown price unknown and marks the total incomplete', () => {
    expect(plan.models.find((m) => m.model === 'vendor/unlisted')).toMatchObject({ low_usd: null, high_usd: null });
    expect(plan.unknown_prices).toEqual(['vendor/unlisted']);
    expect(plan.total).toMatchObject({ jobs: 5, incomplete: true, low_usd: 0.00007875, high_usd: 0.00018675 });
  });

  it('renders a table with ? for unknown and +? on an incomplete total', () => {
    const table = renderPlanTable(plan);
    const line = (start: string) => table.split('\n').find((l) => l.startsWith(start))!.split(/\s{2,}/);
    expect(line('unlisted').slice(-2)).toEqual(['?', '?']);
    expect(line('total').slice(-2)).toEqual(['0.0000788+?', '0.000187+?']);
    expect(line('openai/gpt-4o-mini (all)')[1]).toBe('3');
    expect(table).toContain('? unknown prices');
    expect(table).toContain('Nothing was sent.');
    expect(new Big(plan.total.high_usd!).gt(plan.total.low_usd!)).toBe(true);
  });

  it('sets a cost cap against the worst case', () => {
    const known = buildPlan(jobs.slice(0, 3), pricingOf, 40, AT); // worst $0.00018675 for 3 jobs
    expect(renderPlanTable(known, 0.001)).toContain('cost cap $0.001: even the worst case ($0.000187) fits.');
    expect(renderPlanTable(known, 0.00013)).toContain('cost cap $0.00013: the worst case ($0.000187) does not fit; about 2 of 3 jobs fit at the worst case');
    expect(renderPlanTable(plan, 1)).toContain('a run would be refused, since some prices are unknown');
    expect(renderPlanTable(known)).not.toContain('cost cap');
  });

  it('sums it up in one log line before a run', () => {
    const known = buildPlan(jobs.slice(0, 3), pricingOf, 40, AT);
    expect(WARN.estimateLine(known, 0.5)).toBe('estimate: $0.0000788 (40 tokens an answer) to $0.000187 (every max_tokens) for 3 job(s), cap $0.5; `agent-lab plan` shows the breakdown');
    expect(WARN.estimateLine(buildPlan(jobs.slice(0, 1), pricingOf, 100, AT), null)).toBe('estimate: $0.0000622 for 1 job(s); `agent-lab plan` shows the breakdown');
    expect(WARN.estimateLine(plan, null)).toContain('+?');
  });

  it('counts warmup requests in the line, the table total and the cap, never in the jobs total', () => {
    const planner = createPlanner(pricingOf, 40, AT);
    for (const j of jobs.slice(0, 3)) planner.add(j);
    planner.addWarmup(jobs[0]!);
    const warmed = planner.finish();
    const known = buildPlan(jobs.slice(0, 3), pricingOf, 40, AT);
    const one = buildPlan(jobs.slice(0, 1), pricingOf, 40, AT).total;
    expect(warmed.total).toEqual(known.total);
    expect(warmed.warmup).toMatchObject({ jobs: 1, low_usd: one.low_usd, high_usd: one.high_usd });
    const low = new Big(known.total.low_usd!).plus(one.low_usd!).toNumber();
    const high = new Big(known.total.high_usd!).plus(one.high_usd!).toNumber();
    expect(atStake(warmed)).toEqual({ jobs: 4, prompt_tokens: known.total.prompt_tokens + one.prompt_tokens, low_usd: low, high_usd: high, incomplete: false });
    expect(WARN.estimateLine(warmed, null)).toBe(`estimate: ${usd(low)} (40 tokens an answer) to ${usd(high)} (every max_tokens) for 3 job(s) and 1 warmup request(s); \`agent-lab plan\` shows the breakdown`);
    // The warmup goes first: a cap that fits the three jobs' worst case alone no longer fits them all.
    expect(renderPlanTable(warmed, known.total.high_usd!)).toMatch(/does not fit; about 2 of 3 jobs fit/);
  });
});
