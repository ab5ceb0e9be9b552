// Pure: what a job's judge checks may cost, before its answer exists. The judge reads the
// rubric, the task's prompt and the answer, so its prompt is at most the job's prompt, the
// rubric, the judge's instructions and a whole max_tokens of answer; its reply at most the
// judge's own max_tokens. The plan prices it, and the cost cap reserves it with the job.
import Big from 'big.js';
import { JUDGE_SYSTEM } from '../checks/judge.js';
import type { Job, JudgeSpec, PairwiseSpec } from '../types/job.js';
import { BUDGET_PROMPT_MARGIN, estimatePromptTokens, maxTokensOf, worstCase, type JobEstimate } from './estimate.js';
import { costOf, type Pricing } from './pricing.js';

/** The tags and two messages around the three parts. */
const JUDGE_OVERHEAD_TOKENS = 40;

type Judged = JudgeSpec | PairwiseSpec;
const judgeSpecs = (job: Pick<Job, 'checks'>): Judged[] => (job.checks ?? []).filter((c): c is Judged => c.kind === 'judge' || c.kind === 'pairwise');
/** A pairwise check is two requests (both orders), each with two answers in. */
const shape = (spec: Judged) => (spec.kind === 'pairwise' ? { requests: 2, answers: 2 } : { requests: 1, answers: 1 });

/** One estimate per judge check of the job: low at `expectTokens` of answer and reply, high at the caps. */
export function judgeEstimates(job: Pick<Job, 'messages' | 'params' | 'checks'>, pricingOf: (model: string) => Pricing | null, expectTokens: number, at: Date): { model: string; estimate: JobEstimate }[] {
  const specs = judgeSpecs(job);
  if (!specs.length) return [];
  const asked = estimatePromptTokens(job.messages);
  const answer = maxTokensOf(job.params) ?? expectTokens;
  return specs.map((spec) => {
    const pricing = pricingOf(spec.model);
    const { requests, answers } = shape(spec);
    const fixed = asked + Math.ceil(Buffer.byteLength(JUDGE_SYSTEM + spec.rubric, 'utf8') / 4) + JUDGE_OVERHEAD_TOKENS;
    const high = maxTokensOf(spec.params) ?? expectTokens;
    const low = Math.min(expectTokens, high);
    const lowPrompt = fixed + answers * Math.min(expectTokens, answer);
    return {
      model: spec.model,
      estimate: {
        prompt_tokens: requests * lowPrompt,
        low_completion: requests * low,
        high_completion: requests * high,
        low_usd: pricing ? costOf(pricing, { prompt: lowPrompt, completion: low }, at).times(requests) : null,
        high_usd: pricing ? worstCase(pricing, fixed + answers * answer, high, at).times(requests) : null,
      },
    };
  });
}

/** The cost cap's reservation for a job's judge checks: every worst case, the prompt with the budget's margin. */
export function judgeWorst(job: Pick<Job, 'messages' | 'params' | 'checks'>, pricingOf: (model: string) => Pricing | null, at: Date): Big {
  let total = new Big(0);
  for (const spec of judgeSpecs(job)) {
    const pricing = pricingOf(spec.model);
    if (!pricing) continue;
    const { requests, answers } = shape(spec);
    const prompt = estimatePromptTokens(job.messages) + Math.ceil(Buffer.byteLength(JUDGE_SYSTEM + spec.rubric, 'utf8') / 4) + JUDGE_OVERHEAD_TOKENS + answers * (maxTokensOf(job.params) ?? 0);
    total = total.plus(worstCase(pricing, Math.ceil(prompt * BUDGET_PROMPT_MARGIN), maxTokensOf(spec.params) ?? 0, at).times(requests));
  }
  return total;
}

/** The judge models a job's checks name. */
export const judgeModels = (job: Pick<Job, 'checks'>): string[] => judgeSpecs(job).map((s) => s.model);
