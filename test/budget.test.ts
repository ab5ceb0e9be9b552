// The cost cap, pure: reservations, admission, settling with the real cost, refusal without prices.
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { budgetFor, budgetSkippedRow, createBudget } from '../src/money/budget.js';
import { chargeOf } from '../src/money/charge.js';
import { ConfigError } from '../src/errors.js';
import { modelsBody } from '../src/mock/models-body.js';
import { parseModelsBody } from '../src/models/list.js';
import { job } from './helpers/jobs.js';
import { row } from './helpers/rows.js';

const models = parseModelsBody(JSON.parse(modelsBody()));
const pricingOf = (id: string) => models.find((m) => m.id === id)?.pricing ?? null;
const at = () => new Date('2026-06-01T12:00:00Z');
const each = (usd: string) => () => new Big(usd);

describe('createBudget', () => {
  it('admits while spent + reserved + the next reservation stays within the cap, the cap itself included', () => {
    const b = createBudget(0.3, each('0.1'));
    expect([b.admit(job({ job_id: 'a' })), b.admit(job({ job_id: 'b' })), b.admit(job({ job_id: 'c' }))]).toEqual(['go', 'go', 'go']);
    expect(b.reserved().toFixed()).toBe('0.3'); // exact: 0.1 + 0.1 + 0.1 is not 0.30000000000000004
    // Full, but the reservations may settle lower: wait rather than stop.
    expect(b.admit(job({ job_id: 'd' }))).toBe('wait');
  });

  it('settling replaces the reservation with the real cost, which frees room', () => {
    const b = createBudget(0.35, each('0.1'));
    const a = job({ job_id: 'a' });
    b.admit(a);
    b.admit(job({ job_id: 'b' }));
    b.admit(job({ job_id: 'c' }));
    expect(b.admit(job({ job_id: 'd' }))).toBe('wait');
    b.settle(a, row({ job_id: 'a', cost_usd: 0.02, spent_usd: 0.02, cost_usage_usd: 0.02 }));
    expect(b.spent().toFixed()).toBe('0.02');
    expect(b.reserved().toFixed()).toBe('0.2');
    expect(b.admit(job({ job_id: 'd' }))).toBe('go');
    expect(b.spent().plus(b.reserved()).lte(b.cap)).toBe(true);
  });

  it('stops when even with nothing reserved the next job could not fit', () => {
    const b = createBudget(0.25, each('0.1'));
    const a = job({ job_id: 'a' });
    const c = job({ job_id: 'c' });
    b.admit(a);
    b.admit(c);
    b.settle(a, row({ cost_usd: 0.1, spent_usd: 0.1, cost_usage_usd: 0.1 }));
    b.settle(c, row({ cost_usd: 0.1, spent_usd: 0.1, cost_usage_usd: 0.1 }));
    expect(b.admit(job({ job_id: 'd' }))).toBe('stop');
    expect(createBudget(0.05, each('0.1')).admit(job())).toBe('stop');
  });

  it('counts money spent before the run (a resumed folder) against the cap', () => {
    const b = createBudget(0.25, each('0.1'));
    b.earlier('', new Big('0.1'), new Big(0), true);
    expect(b.admit(job({ job_id: 'a' }))).toBe('go');
    expect(b.admit(job({ job_id: 'b' }))).toBe('wait');
    expect(b.spent().toFixed()).toBe('0.1');
  });

  it('a second settle of the same job replaces its first charge', () => {
    const b = createBudget(1, each('0.5'));
    const a = job({ job_id: 'a' });
    b.admit(a);
    b.settle(a, row({ cost_usd: null, spent_usd: null, cost_usage_usd: 0.1 }));
    b.settle(a, row({ cost_usd: 0.12, spent_usd: 0.12, cost_usage_usd: 0.1 }));
    expect(b.spent().toFixed()).toBe('0.12');
  });
});

describe('chargeOf', () => {
  const reservation = new Big('0.5');
  // The last billed attempt is the kept one (the row's generation_id).
  const billed = (n: number) => Array.from({ length: n }, (_, i) => ({ attempt: i + 1, generation_id: i === n - 1 ? 'gen-1' : `g${i}`, http_status: 200, error_kind: null, error_message: null, cost_usd: null, latency_ms: 1 }));

  it('takes the largest known cost', () => {
    expect(chargeOf(row({ cost_usd: 0.1, spent_usd: 0.1, cost_usage_usd: 0.2, attempt_log: billed(1) }), reservation).toFixed()).toBe('0.2');
    expect(chargeOf(row({ cost_usd: null, spent_usd: null, cost_usage_usd: 0.05, attempt_log: billed(1) }), reservation).toFixed()).toBe('0.05');
  });

  it('keeps the worst case per billed attempt when no cost is known, and 0 when nothing was billed', () => {
    expect(chargeOf(row({ cost_usd: null, spent_usd: null, cost_usage_usd: null, attempt_log: billed(2) }), reservation).toFixed()).toBe('1');
    // Two billed attempts but only the kept one's cost is known: the other may have cost anything up to the worst case.
    expect(chargeOf(row({ cost_usd: 0.1, spent_usd: null, cost_usage_usd: 0.1, attempt_log: billed(2) }), reservation).toFixed()).toBe('0.6');
    // An aborted or failed attempt is billed like any other: its known cost counts.
    const failedFirst = billed(2).map((a, i) => (i === 0 ? { ...a, error_kind: 'stream' as const, cost_usd: 0.07 } : { ...a, cost_usd: 0.1 }));
    expect(chargeOf(row({ cost_usd: 0.1, spent_usd: 0.17, cost_usage_usd: 0.1, attempt_log: failedFirst }), reservation).toFixed()).toBe('0.17');
    expect(chargeOf(row({ status: 'error', generation_id: null, cost_usd: null, spent_usd: null, cost_usage_usd: null, attempt_log: [] }), reservation).toFixed()).toBe('0');
  });
});

describe('budgetFor', () => {
  it('refuses without prices: preflight skipped, or a model /models does not price', () => {
    expect(() => budgetFor(1, [job().model], null, at)).toThrow(ConfigError);
    expect(() => budgetFor(1, [job().model], null, at)).toThrow(/--no-preflight/);
    expect(() => budgetFor(1, [job().model, 'vendor/unlisted'], pricingOf, at)).toThrow(/has none for `vendor\/unlisted`/);
  });

  it('reserves the worst case from the listed prices', () => {
    const b = budgetFor(0.0001, [job().model], pricingOf, at);
    // ceil(15 × 1.25) × 0.00000015 + 100 × 0.0000006 = 0.00006285: one fits in 0.0001, two do not.
    expect(b.admit(job({ job_id: 'a' }))).toBe('go');
    expect(b.reserved().toFixed()).toBe('0.00006285');
    expect(b.admit(job({ job_id: 'b' }))).toBe('wait');
  });
});

describe('budgetFor learns from settled rows', () => {
  it('raises the reservation of a model whose real prompt ran past the margin, and of one that overran max_tokens', () => {
    const b = budgetFor(1, [job().model], pricingOf, at);
    const first = job({ job_id: 'a' });
    b.admit(first);
    expect(b.reserved().toFixed()).toBe('0.00006285');
    // The provider added hidden template tokens: 150 real prompt tokens for 15 estimated (10×).
    b.settle(first, row({ native_tokens_prompt: 150, native_tokens_completion: 20, cost_usd: 0.00004, spent_usd: 0.00004, cost_usage_usd: 0.00004 }));
    b.admit(job({ job_id: 'b' }));
    // ceil(150 × 1.25) = 188 prompt tokens (the margin stays on what was learned) × 0.00000015 + 100 × 0.0000006
    expect(b.reserved().toFixed()).toBe('0.0000882');
    const c = job({ job_id: 'b' });
    b.settle(c, row({ native_tokens_prompt: 15, native_tokens_completion: 120, cost_usd: 0.00001, spent_usd: 0.00001, cost_usage_usd: 0.00001 }));
    b.admit(job({ job_id: 'c' }));
    // Still 188 prompt tokens, and 120 completion tokens for max_tokens 100.
    expect(b.reserved().toFixed()).toBe('0.0001002');
  });

  it('learns a hidden template as a constant too: a longer prompt of the same model is not reserved short', () => {
    const b = budgetFor(1, [job().model], pricingOf, at);
    const first = job({ job_id: 'a' });
    b.admit(first);
    // 15 estimated, 2015 billed: 2000 hidden tokens.
    b.observe(first, row({ tokens_prompt: 2015, native_tokens_prompt: null }));
    b.settle(first, row({ cost_usd: 0.0003, spent_usd: 0.0003, cost_usage_usd: 0.0003 }));
    // A prompt of 1000 estimated tokens: 1000 × (2015 / 15) would be 134,334; 1000 + 2000 is what it needs.
    const long = job({ job_id: 'b', messages: [{ role: 'user', content: 'x'.repeat(3972) }] });
    b.admit(long);
    // ceil(134,334 × 1.25) prompt tokens: the ratio is the larger, and both are covered.
    expect(b.reserved().toFixed()).toBe(new Big(Math.ceil(1000 * (2015 / 15) * 1.25)).times('0.00000015').plus(new Big(100).times('0.0000006')).toFixed());
    const b2 = budgetFor(1, [job().model], pricingOf, at);
    const big = job({ job_id: 'c', messages: [{ role: 'user', content: 'x'.repeat(3972) }] });
    b2.admit(big);
    // 1000 estimated, 1400 billed: a 400-token template.
    b2.observe(big, row({ tokens_prompt: 1400, native_tokens_prompt: null }));
    b2.settle(big, row({ cost_usd: 0.0003, spent_usd: 0.0003, cost_usage_usd: 0.0003 }));
    b2.admit(job({ job_id: 'd' }));
    // The short prompt (15) needs 15 + 400, not 15 × 1.4: ceil(415 × 1.25) = 519.
    expect(b2.reserved().toFixed()).toBe(new Big(519).times('0.00000015').plus(new Big(100).times('0.0000006')).toFixed());
  });

  it('sends one job of a model until its real prompt size is known, then as many as fit', () => {
    const b = budgetFor(1, [job().model], pricingOf, at);
    const probe = job({ job_id: 'p' });
    expect(b.admit(probe)).toBe('go');
    // Another model is not held back by this one.
    expect(b.admit(job({ job_id: 'o', model: 'meta-llama/llama-3.1-8b-instruct' }))).toBe('go');
    expect(b.admit(job({ job_id: 'q' }))).toBe('wait');
    b.observe(probe, row({ tokens_prompt: 20 }));
    expect(b.admit(job({ job_id: 'q' }))).toBe('go');
    expect(b.admit(job({ job_id: 'r' }))).toBe('go');
  });

  it('a probe that ends without a prompt count lets the next job be the probe, three times at most', () => {
    const b = budgetFor(1, [job().model], pricingOf, at);
    const blind = row({ status: 'error', generation_id: null, attempt_log: [], tokens_prompt: null, native_tokens_prompt: null, cost_usd: null, spent_usd: null, cost_usage_usd: null });
    for (const id of ['p', 'q', 'r']) {
      expect(b.admit(job({ job_id: id }))).toBe('go');
      expect(b.admit(job({ job_id: `${id}-next` }))).toBe('wait');
      b.settle(job({ job_id: id }), blind);
    }
    // An endpoint that never says how many tokens it billed is not run one job at a time for ever.
    expect([b.admit(job({ job_id: 's' })), b.admit(job({ job_id: 't' }))]).toEqual(['go', 'go']);
  });
});

describe('retries under the cap', () => {
  it('reserves another worst case before each retry that may be billed, and refuses one that does not fit', () => {
    const b = createBudget(0.25, each('0.1'));
    const a = job({ job_id: 'a' });
    expect(b.admit(a)).toBe('go');
    // The first attempt failed before it streamed (a 429): its reservation is unused, the retry takes it.
    expect(b.retry(a, 0)).toBe(true);
    expect(b.reserved().toFixed()).toBe('0.1');
    // One billed attempt: the retry needs a second worst case.
    expect(b.retry(a, 1)).toBe(true);
    expect(b.reserved().toFixed()).toBe('0.2');
    // A third would pass the cap: not retried.
    expect(b.retry(a, 2)).toBe(false);
    expect(b.reserved().toFixed()).toBe('0.2');
    // Two billed attempts, neither cost known: each is charged its worst case.
    b.settle(a, row({ job_id: 'a', generation_id: 'g2', cost_usd: null, spent_usd: null, cost_usage_usd: null, attempt_log: [1, 2].map((n) => ({ attempt: n, generation_id: `g${n}`, http_status: 200, error_kind: null, error_message: null, cost_usd: null, latency_ms: 1 })) }));
    expect(b.spent().toFixed()).toBe('0.2');
    expect(b.reserved().toFixed()).toBe('0');
  });
});

describe('money spent before this run (a resumed folder)', () => {
  it('holds an unknown earlier cost at its worst case until its lookup ends, then charges what was found', () => {
    const b = createBudget(0.3, each('0.1'));
    b.earlier('', new Big('0.05'), new Big(0), true);
    b.earlier('j@t', new Big('0.01'), new Big('0.2'), false);
    expect(b.spent().toFixed()).toBe('0.06');
    expect(b.reserved().toFixed()).toBe('0.2');
    // Held, not spent: the next job waits for the lookup rather than being skipped.
    expect(b.admit(job({ job_id: 'a' }))).toBe('wait');
    b.earlier('j@t', new Big('0.03'), new Big(0), true);
    expect(b.spent().toFixed()).toBe('0.08');
    expect(b.reserved().toFixed()).toBe('0');
    // A lookup that never answered leaves its worst case spent.
    b.earlier('k@t', new Big(0), new Big('0.1'), false);
    b.earlier('k@t', new Big(0), new Big('0.1'), true);
    expect(b.spent().toFixed()).toBe('0.18');
    expect(b.admit(job({ job_id: 'b' }))).toBe('go');
    b.settle(job({ job_id: 'b' }), row({ cost_usd: 0.1, spent_usd: 0.1, cost_usage_usd: 0.1 }));
    expect(b.admit(job({ job_id: 'c' }))).toBe('stop');
  });
});

describe('budgetSkippedRow', () => {
  it('is a skipped row of kind budget with every unknown left null', () => {
    const r = budgetSkippedRow(job({ job_id: 'x' }), 'run', '2026-06-01T00:00:00.000Z', 0.5);
    expect(r).toMatchObject({ job_id: 'x', status: 'skipped', error_kind: 'budget', attempts: 0, cost_usd: null, cost_estimate_usd: null, cost_source: 'none' });
    expect(r.error_message).toContain('$0.5 cap');
    // Nothing was sent, so nothing was measured: every figure is unknown, none is a made-up 0.
    for (const field of ['ttft_ms', 'ttfc_ms', 'latency_ms', 'itl_ms', 'output_tps', 'queue_ms', 'http_status', 'tokens_prompt', 'tokens_completion', 'spent_usd', 'generation_id'] as const) {
      expect(r[field], field).toBeNull();
    }
    expect(r).toMatchObject({ started_at: '2026-06-01T00:00:00.000Z', attempt_log: [], output_text: '', checks: [], passed: null });
  });
});
