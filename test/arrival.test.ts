// The pacer of `--request-rate` and the warmup stream (issue 18 part 6), pure: an injected clock
// and random source pin every due time.
import { describe, expect, it } from 'vitest';
import { achievedRate, createPacer, recordSend, type SendRecord } from '../src/exec/arrival.js';
import { withWarmup } from '../src/run/warmup.js';
import { loadNotes } from '../src/render/load-notes.js';
import { warmupSummary } from '../src/store/warmup.js';
import type { Job } from '../src/types/job.js';
import { row } from './helpers/rows.js';

const clock = (start: number) => () => start;

describe('createPacer', () => {
  it('constant: the first is due at once, the rest 1/R apart on one schedule', () => {
    const pacer = createPacer(4, 'constant', clock(1000), () => 0.5);
    expect([pacer.next(), pacer.next(), pacer.next(), pacer.next()]).toEqual([1000, 1250, 1500, 1750]);
  });

  it('keeps its schedule when the dispatcher falls behind: late arrivals are due at once, not shifted', () => {
    let now = 0;
    const pacer = createPacer(10, 'constant', () => now, Math.random);
    expect(pacer.next()).toBe(0);
    now = 550; // held back half a second (a full concurrency cap)
    expect([pacer.next(), pacer.next(), pacer.next()]).toEqual([100, 200, 300]);
  });

  it('poisson: exponential gaps −ln(1 − U)/R from the injected source, mean 1/R', () => {
    const draws = [0, 0.5, 0.9];
    const pacer = createPacer(2, 'poisson', clock(0), () => draws.shift()!);
    pacer.next();
    const times = [pacer.next(), pacer.next(), pacer.next()];
    expect(times[0]).toBe(0);
    expect(times[1]).toBeCloseTo(500 * Math.LN2, 9);
    expect(times[2]).toBeCloseTo(500 * Math.LN2 + 500 * Math.log(10), 9);
    // Over many draws of a seeded source the mean gap is 1/R.
    let seed = 7;
    const lcg = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const long = createPacer(20, 'poisson', clock(0), lcg);
    long.next();
    let last = 0;
    for (let i = 0; i < 20_000; i++) last = long.next();
    expect(last / 20_000).toBeGreaterThan(47.5);
    expect(last / 20_000).toBeLessThan(52.5);
  });
});

describe('achievedRate', () => {
  it('is (sent − 1) over the span from the first send to the last', () => {
    const record: SendRecord = { sent: 0, first: null, last: null };
    expect(achievedRate(record)).toBeNull();
    recordSend(record, 1000);
    expect(achievedRate(record)).toBeNull();
    for (const at of [1100, 1200, 1300, 1400]) recordSend(record, at);
    expect(record).toEqual({ sent: 5, first: 1000, last: 1400 });
    expect(achievedRate(record)).toBe(10);
  });
});

const job = (task: string, label: string, repeat = 0): Job => ({
  job_id: `${task}-${label}-${repeat}`, index: 0, task_id: task, model: 'm/x', model_label: label, system_prompt_id: 'p', system_prompt: '', system_prompt_sha256: '',
  repeat, messages: [{ role: 'user', content: task }], params: { max_tokens: 5 }, vars: {}, prompt_sha256: '', checks: [{ kind: 'is_json' }],
});
async function* stream(jobs: Job[]) {
  yield* jobs;
}
const collect = async (it: AsyncIterable<Job>) => {
  const out: Job[] = [];
  for await (const j of it) out.push(j);
  return out;
};

describe('withWarmup', () => {
  it('puts N warmup copies in front, round the arms of the first task, then every job once, in order', async () => {
    const jobs = [job('a', 'x'), job('a', 'x', 1), job('a', 'y'), job('b', 'x'), job('b', 'y')];
    const out = await collect(withWarmup(stream(jobs), 3));
    expect(out.slice(0, 3).map((j) => [j.job_id, j.model_label, j.warmup, j.checks])).toEqual([
      ['warmup-0', 'x', true, undefined],
      ['warmup-1', 'y', true, undefined],
      ['warmup-2', 'x', true, undefined],
    ]);
    expect(out.slice(3)).toEqual(jobs);
  });

  it('sends nothing extra when there is nothing to measure', async () => {
    expect(await collect(withWarmup(stream([]), 5))).toEqual([]);
  });
});

describe('the warmup and load figures', () => {
  it('sum the warmup rows (an unknown spend stays unknown) and say both in the footer', () => {
    const summary = warmupSummary([row({ spent_usd: 0.001 }), row({ status: 'error', spent_usd: 0.002 }), row({ spent_usd: null })]);
    expect(summary).toEqual({ requests: 3, ok: 2, errors: 1, spent_usd: 0.003 });
    expect(warmupSummary([row({ spent_usd: null })]).spent_usd).toBeNull();
    const notes = loadNotes({ load: { target_rps: 5, arrival: 'poisson', sent: 30, achieved_rps: 4.9 }, warmup: summary });
    expect(notes[0]).toMatch(/^request rate: 4\.90\/s achieved, 5\/s asked \(poisson, 30 sent/);
    expect(notes[1]).toMatch(/^warmup: 3 request\(s\) sent first \(2 ok, 1 failed\), \$0\.00300 spent; left out of every figure/);
    expect(loadNotes({})).toEqual([]);
  });
});
