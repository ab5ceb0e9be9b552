// Cost reconciliation and fallback detection, pure.
import { describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { costMismatch, costsDisagree, createReconciler, sameModel, undated } from '../src/money/reconcile.js';
import { renderSummaryTable } from '../src/render/table.js';
import { row } from './helpers/rows.js';

const meta = { run_id: 'r', suite: 's', started_at: '', finished_at: '', status: 'ok' as const };

describe('costsDisagree', () => {
  it('allows 5 % of the larger value, and never compares an unknown', () => {
    expect(costsDisagree(0.0001, 0.000105)).toBe(false);
    expect(costsDisagree(0.0001, 0.0001053)).toBe(true);
    expect(costsDisagree(0.0001, null)).toBe(false);
    // Float noise on tiny costs is below the absolute floor.
    expect(costsDisagree(0, 1e-10)).toBe(false);
    expect(costsDisagree(0, 0.000001)).toBe(true);
  });

  it('flags a row when any two known costs disagree', () => {
    expect(costMismatch({ cost_usd: 0.002, cost_usage_usd: 0.001, cost_estimate_usd: null })).toBe(true);
    expect(costMismatch({ cost_usd: 0.001, cost_usage_usd: 0.001, cost_estimate_usd: 0.0015 })).toBe(true);
    expect(costMismatch({ cost_usd: 0.001, cost_usage_usd: null, cost_estimate_usd: 0.001 })).toBe(false);
    expect(costMismatch({ cost_usd: null, cost_usage_usd: null, cost_estimate_usd: null })).toBe(false);
  });
});

describe('sameModel', () => {
  it('treats a dated permaslug as the same model', () => {
    expect(undated('openai/gpt-4o-mini-2024-07-18')).toBe('openai/gpt-4o-mini');
    expect(undated('deepseek/deepseek-r1-20250120')).toBe('deepseek/deepseek-r1');
    expect(sameModel('openai/gpt-4o-mini', 'openai/gpt-4o-mini-2024-07-18')).toBe(true);
    expect(sameModel('meta-llama/llama-3.1-8b-instruct:free', 'meta-llama/llama-3.1-8b-instruct-20240723')).toBe(true);
    expect(sameModel('openai/gpt-4o-mini', null)).toBe(true);
  });

  it('uses the canonical slug where the spelling differs, and catches a real fallback', () => {
    const canonical = new Map([['anthropic/claude-sonnet-4.5', 'anthropic/claude-4.5-sonnet-20250929']]);
    expect(sameModel('anthropic/claude-sonnet-4.5', 'anthropic/claude-4.5-sonnet-20250929', canonical)).toBe(true);
    // Without the listing, the same words in another order still match; other words do not.
    expect(sameModel('anthropic/claude-sonnet-4.5', 'anthropic/claude-4.5-sonnet-20250929')).toBe(true);
    expect(sameModel('anthropic/claude-sonnet-4.5', 'anthropic/claude-4.5-haiku-20251001')).toBe(false);
    expect(sameModel('openai/gpt-4o-mini', 'openai/gpt-4o-2024-08-06')).toBe(false);
    expect(sameModel('openai/gpt-4.1-mini', 'openai/gpt-4.1-mini-2025-04-14', new Map([['other/x', 'other/x-1']]))).toBe(true);
    expect(sameModel('anthropic/claude-sonnet-4.5', 'x-ai/grok-4-07-09', canonical)).toBe(false);
  });
});

describe('reconciler in the summary', () => {
  it('counts and lists flagged jobs, skips skipped rows, and the table says so', () => {
    const rows = [
      row({ job_id: 'clean', model: 'openai/gpt-4o-mini', model_served: 'openai/gpt-4o-mini-2024-07-18' }),
      row({ job_id: 'double', model: 'openai/gpt-4o-mini', model_served: 'openai/gpt-4o-mini-2024-07-18', cost_usd: 0.002 }),
      row({ job_id: 'fallback', model: 'openai/gpt-4o-mini', model_served: 'google/gemini-2.5-flash-20250617' }),
      row({ job_id: 'skipped', status: 'skipped', model: 'openai/gpt-4o-mini', model_served: null, cost_usd: 5 }),
    ];
    const summary = summarize(rows, meta);
    expect(summary.reconciliation).toMatchObject({ cost_mismatches: 1, model_mismatches: 1 });
    expect(summary.reconciliation!.jobs.map((j) => [j.job_id, j.kind])).toEqual([['double', 'cost_mismatch'], ['fallback', 'model_mismatch']]);
    const table = renderSummaryTable(summary);
    expect(table).toContain('cost mismatch: 1 job(s)');
    expect(table).toContain('model mismatch: 1 job(s) answered by another model than requested (openai/gpt-4o-mini → google/gemini-2.5-flash-20250617)');
  });

  it('lists at most 50 jobs but counts them all', () => {
    const r = createReconciler();
    for (let i = 0; i < 60; i++) r.add({ job_id: `j${i}`, status: 'ok', model: 'a/b', model_served: 'c/d', cost_usd: 1, cost_usage_usd: 1, cost_estimate_usd: 1 });
    expect(r.finish().model_mismatches).toBe(60);
    expect(r.finish().jobs).toHaveLength(50);
  });
});
