// The judge's pure parts: the tolerant reply reader, the verdict key, a check's row entry and
// what `passed` does with an error verdict; the summary's judge figures, and the history and
// metrics hook reading them.
import { describe, expect, it } from 'vitest';
import { passedOf, withChecks } from '../src/checks/apply.js';
import { judgedAnswer, judgeMessages, judgeParams, judgeResult, parseVerdict, VERDICT_FORMAT, verdictKey, type JudgeVerdict } from '../src/checks/judge.js';
import { historyEntry } from '../src/history/history.js';
import { suiteMetrics } from '../src/metrics/families.js';
import { judgeScore, rubricWords } from '../src/mock/judge.js';
import { summarize } from '../src/stats/aggregate.js';
import { t975 } from '../src/stats/judge.js';
import type { JudgeSpec } from '../src/types/job.js';
import { row } from './helpers/rows.js';

const spec = (over: Partial<JudgeSpec> = {}): JudgeSpec => ({ kind: 'judge', rubric: 'polite', threshold: 0.5, model: 'mock/judge', params: { temperature: 0, max_tokens: 300 }, ...over });
const verdict = (over: Partial<JudgeVerdict> = {}): JudgeVerdict => ({ score: 0.8, reason: 'fine', error: null, cost_usd: 0.001, tokens_prompt: 100, tokens_completion: 10, ...over });

describe('parseVerdict', () => {
  it('reads the object alone, in a fence, inside prose, and a numeric string', () => {
    expect(parseVerdict('{"score": 0.7, "reason": "ok"}')).toEqual({ score: 0.7, reason: 'ok' });
    expect(parseVerdict('Verdict:\n```json\n{"score": 1, "reason": "all there"}\n```\nThanks')).toEqual({ score: 1, reason: 'all there' });
    expect(parseVerdict('I think {"score": 0.25, "reason": "a {brace} inside"} is fair.')).toEqual({ score: 0.25, reason: 'a {brace} inside' });
    expect(parseVerdict('{"score": "0.5", "reason": "text score"}')).toEqual({ score: 0.5, reason: 'text score' });
  });

  it('says why a reply is no verdict', () => {
    expect(parseVerdict('no idea')).toEqual({ problem: expect.stringMatching(/holds no \{"score", "reason"\} object/) });
    expect(parseVerdict('{"score": 7, "reason": "x"}')).toEqual({ problem: "the judge's score 7 is outside 0..1" });
    expect(parseVerdict('{"score": "high", "reason": "x"}')).toEqual({ problem: 'the judge\'s score is not a number: "high"' });
    expect(parseVerdict('{"reason": "x"}')).toEqual({ problem: "the judge's score is not a number: null" });
  });
});

describe('the judge request', () => {
  it('carries the rubric, the prompt and the answer (tool calls too), and response_format only when the model has structured outputs', () => {
    const messages = judgeMessages('polite', 'Refund?', 'No.');
    expect(messages[0]!.role).toBe('system');
    expect(messages[1]!.content).toBe('<rubric>\npolite\n</rubric>\n<prompt>\nRefund?\n</prompt>\n<answer>\nNo.\n</answer>');
    expect(judgedAnswer({ output_text: '', tool_calls: [{ id: 'c', name: 'get_weather', arguments: '{"city":"Paris"}' }] })).toBe('[tool call] get_weather({"city":"Paris"})');
    expect(judgeParams(spec(), true).response_format).toBe(VERDICT_FORMAT);
    expect(judgeParams(spec(), false).response_format).toBeUndefined();
  });

  it('keys a verdict by judge model, params, rubric, prompt and answer, and nothing else', () => {
    const key = verdictKey(spec(), 'p', 'a');
    expect(verdictKey(spec({ threshold: 0.9 }), 'p', 'a')).toBe(key);
    expect(verdictKey(spec({ params: { max_tokens: 300, temperature: 0 } }), 'p', 'a')).toBe(key);
    for (const other of [verdictKey(spec({ model: 'x/y' }), 'p', 'a'), verdictKey(spec({ params: { temperature: 1 } }), 'p', 'a'), verdictKey(spec({ rubric: 'rude' }), 'p', 'a'), verdictKey(spec(), 'q', 'a'), verdictKey(spec(), 'p', 'b')]) {
      expect(other).not.toBe(key);
    }
  });
});

describe('verdicts on the row', () => {
  it('pass at score >= threshold; an error is its own verdict and leaves passed undecided unless another check failed', () => {
    expect(judgeResult(spec(), verdict({ score: 0.5 }))).toMatchObject({ pass: true, verdict: 'pass', score: 0.5, threshold: 0.5, reason: 'fine' });
    expect(judgeResult(spec(), verdict({ score: 0.49 }))).toMatchObject({ pass: false, verdict: 'fail' });
    expect(judgeResult(spec(), verdict({ score: null, error: 'HTTP 500' }))).toMatchObject({ pass: false, verdict: 'error', score: null, detail: 'judge error: HTTP 500' });
    expect(judgeResult(spec(), undefined)).toMatchObject({ verdict: 'error', detail: 'judge error: the judge was not asked' });
    const error = { name: 'j', pass: false, detail: '', verdict: 'error' as const };
    expect(passedOf([{ name: 'a', pass: true, detail: '' }, error])).toBeNull();
    expect(passedOf([{ name: 'a', pass: false, detail: '' }, error])).toBe(false);
    expect(passedOf([{ name: 'a', pass: true, detail: '' }])).toBe(true);
  });

  it("sums the judge's cost and tokens over a row's judge checks; one unknown makes the sum unknown", () => {
    const specs = [spec(), spec({ rubric: 'brief' })];
    const known = withChecks(row(), specs, { final: true, verdicts: () => verdict() });
    expect(known).toMatchObject({ judge_cost_usd: 0.002, judge_tokens_prompt: 200, judge_tokens_completion: 20, passed: true });
    const unknown = withChecks(row(), specs, { final: true, verdicts: (s) => verdict({ cost_usd: s.rubric === 'brief' ? null : 0.001 }) });
    expect(unknown.judge_cost_usd).toBeNull();
    expect(withChecks(row({ status: 'error' }), specs, { final: true, verdicts: () => verdict() })).toMatchObject({ checks: [], judge_cost_usd: null });
  });
});

describe('judge figures in the summary, the history and the metrics', () => {
  const judged = (score: number | null, cost: number | null) =>
    row({ checks: [{ name: 'j', pass: (score ?? 0) >= 0.5, detail: '', verdict: score === null ? 'error' : 'pass', score, threshold: 0.5, reason: '' }], passed: score === null ? null : score >= 0.5, judge_cost_usd: cost });

  it('mean score with a t interval, errored checks counted apart, judge cost apart and in the total', () => {
    const s = summarize([judged(1, 0.001), judged(0.5, 0.002), judged(0, 0.001), judged(null, 0.001)], { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' });
    const o = s.overall;
    expect(o).toMatchObject({ judge_scored: 3, judge_score: 0.5, checks_errored: 1, checked: 3, judge_cost_usd: 0.005 });
    expect(o.total_cost_usd).toBeCloseTo(0.005 + 4 * 0.001, 12);
    // sd 0.5, n 3: half-width t(0.975, 2) · 0.5/√3 = 4.303 · 0.2887 = 1.242 → clipped to 0..1.
    expect(o.judge_score_ci95).toEqual([0, 1]);
    expect(t975(2)).toBe(4.303);
    expect(t975(30)).toBeCloseTo(2.042, 2);
    const plain = summarize([row()], { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' });
    expect('judge_score' in plain.overall).toBe(false);
    // The history line and the metrics carry the judge's figures (HOOK(judge)).
    const entry = historyEntry(s, { suite_sha256: null, dir: 'd', mock: true });
    expect(entry.groups[0]).toMatchObject({ judge_score: 0.5, judge_cost_usd: 0.005 });
    const metrics = suiteMetrics(entry, null).families.map((f) => f.name);
    expect(metrics).toContain('agent_lab_judge_score');
  });
});

describe("the simulator's judge", () => {
  it('scores by the share of rubric words (4+ letters) in the answer; its markers are not words', () => {
    expect(rubricWords('Decline politely; cite the policy JUDGE-FENCE [[mock: fault=server]]')).toEqual(['decline', 'politely', 'cite', 'policy']);
    expect(judgeScore('decline politely cite policy', 'We DECLINE, politely.')).toBe(0.5);
    expect(judgeScore('a an', 'anything')).toBe(1);
  });
});
