// The footer's "estimate vs actual" line compares like with like: when /generation answered for
// only some jobs, their native prompt tokens are not set against the estimate for every job.
import { describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { costNotes } from '../src/render/cost-notes.js';
import type { EstimateSummary } from '../src/types/summary.js';
import { row } from './helpers/rows.js';

const estimate: EstimateSummary = { expect_tokens: 50, jobs: 4, low_usd: 0.001, high_usd: 0.004, actual_usd: null, prompt_tokens_estimated: 40, prompt_tokens_actual: null };
const meta = { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' as const, estimate };
const line = (notes: string[]) => notes.find((n) => n.startsWith('cost: actual'))!;

describe('estimate vs actual prompt tokens', () => {
  it('compares totals when every job has a native count', () => {
    const summary = summarize([1, 2, 3, 4].map((i) => row({ job_id: `j${i}`, native_tokens_prompt: 9 })), meta);
    expect(summary.estimate).toMatchObject({ prompt_tokens_actual: 36, prompt_tokens_actual_jobs: 4 });
    expect(line(costNotes(summary))).toContain('prompt tokens estimated 40, actual 36');
  });

  it('compares per-job means over the jobs /generation answered for', () => {
    const rows = [
      row({ job_id: 'a', native_tokens_prompt: 9 }),
      row({ job_id: 'b', native_tokens_prompt: 11 }),
      row({ job_id: 'c', native_tokens_prompt: null, cost_usd: null, cost_source: 'pending' }),
      row({ job_id: 'd', native_tokens_prompt: null, cost_usd: null, cost_source: 'pending' }),
    ];
    const text = line(costNotes(summarize(rows, meta)));
    // 40 estimated over 4 jobs = 10 a job; 20 actual over the 2 that have counts = 10 a job.
    expect(text).toContain('prompt tokens per job estimated 10, actual 10 (native counts for 2 of 4 jobs)');
    expect(text).not.toContain('actual 20');
  });
});
