// The cost cap, pure: reservations, admission, settling with the real cost, refusal without prices.
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { budgetFor, budgetSkippedRow, chargeOf, createBudget } from '../src/money/budget.js';
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
    b.charge(new Big('0.1'));
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
  const billed = (n: number) => Array.from({ length: n }, (_, i) => ({ attempt: i + 1, generation_id: `g${i}`, http_status: 200, error_kind: null, error_message: null, cost_usd: null, latency_ms: 1 }));

  it('takes the largest known cost', () => {
    expect(chargeOf(row({ cost_usd: 0.1, spent_usd: 0.1, cost_usage_usd: 0.2, attempt_log: billed(1) }), reservation).toFixed()).toBe('0.2');
    expect(chargeOf(row({ cost_usd: null, spent_usd: null, cost_usage_usd: 0.05, attempt_log: billed(1) }), reservation).toFixed()).toBe('0.05');
  });

  it('keeps the worst case per billed attempt when no cost is known, and 0 when nothing was billed', () => {
    expect(chargeOf(row({ cost_usd: null, spent_usd: null, cost_usage_usd: null, attempt_log: billed(2) }), reservation).toFixed()).toBe('1');
    // Two billed attempts but only the kept one's cost is known: the other may have cost anything up to the worst case.
    expect(chargeOf(row({ cost_usd: 0.1, spent_usd: null, cost_usage_usd: 0.1, attempt_log: billed(2) }), reservation).toFixed()).toBe('1');
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
    // 150 × 0.00000015 + 100 × 0.0000006
    expect(b.reserved().toFixed()).toBe('0.0000825');
    const c = job({ job_id: 'b' });
    b.settle(c, row({ native_tokens_prompt: 15, native_tokens_completion: 120, cost_usd: 0.00001, spent_usd: 0.00001, cost_usage_usd: 0.00001 }));
    b.admit(job({ job_id: 'c' }));
    // Still 150 prompt tokens, and 120 completion tokens for max_tokens 100.
    expect(b.reserved().toFixed()).toBe('0.0000945');
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
