// Pure: one chat request → what the simulator will stream (tokens, timing, finish reason).
// Precedence for timing and length: request directive > server option > the model's profile.
import { around, generateTokens, prng, promptTokens, requestDigest, splitTokens, textOf, type ChatMessage } from './answer.js';
import type { MockModel } from './catalog.js';
import { stripDirectives, type Directive } from './directive.js';
import { judgeReply, toolCallFor, toolDeltas, type MockToolCall } from './judge.js';

export interface PlanOptions {
  ttftMs?: number;
  itlMs?: number;
  tokens?: number;
}

export interface Plan {
  /** The model that serves the request (differs from the requested one under `fault=fallback`). */
  served: MockModel;
  provider: string;
  reasoning: string[];
  content: string[];
  /** Reasoning happens (and is billed) but is not streamed: `reasoning.exclude`. */
  hideReasoning: boolean;
  finish: 'stop' | 'length' | 'tool_calls';
  nativeFinish: string;
  ttftMs: number;
  itlMs: number;
  promptTokens: number;
  /** mock/tools: the call it makes ([] otherwise), and that call as streamed deltas (each a token). */
  toolCalls: MockToolCall[];
  toolDeltas: string[];
}

export interface PlanInput {
  requested: MockModel;
  served: MockModel;
  body: Record<string, unknown>;
  messages: ChatMessage[];
  directive: Directive;
  options: PlanOptions;
  /** `fault=empty`: a zero-token answer. */
  empty: boolean;
}

const EFFORT_SCALE: Record<string, number> = { minimal: 0.25, low: 0.5, medium: 1, high: 2, xhigh: 3, max: 4 };

interface ReasoningAsk {
  on: boolean;
  hidden: boolean;
  scale: number;
  cap: number | null;
}

/** Whether the request turns reasoning on, following OpenRouter's request options (wire §1.6). */
function reasoningAsk(model: MockModel, body: Record<string, unknown>, forced: boolean): ReasoningAsk {
  const r = typeof body.reasoning === 'object' && body.reasoning !== null ? (body.reasoning as Record<string, unknown>) : null;
  const effort = typeof r?.effort === 'string' ? r.effort : typeof body.reasoning_effort === 'string' ? body.reasoning_effort : null;
  const off = r?.enabled === false || effort === 'none';
  const asked = r !== null || effort !== null || body.include_reasoning === true;
  const on = Boolean(model.reasoning) && (model.reasoning!.mandatory || forced || (!off && (asked || model.reasoning!.default_enabled)));
  return {
    on,
    hidden: r?.exclude === true || body.include_reasoning === false,
    scale: (effort && EFFORT_SCALE[effort]) || 1,
    cap: typeof r?.max_tokens === 'number' ? r.max_tokens : null,
  };
}

function maxTokens(body: Record<string, unknown>): number {
  const v = body.max_tokens ?? body.max_completion_tokens;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : Infinity;
}

export function planAnswer(input: PlanInput): Plan {
  const { requested, served, body, messages, directive, options } = input;
  const digest = requestDigest(requested.id, messages, body.seed);
  const rand = prng(digest);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');

  const call = served.id === 'mock/tools' && !input.empty ? toolCallFor(body, textOf(lastUser?.content), `call_${digest.toString('hex', 0, 12)}`) : null;
  let content: string[];
  if (input.empty || call) content = [];
  else if (directive.reply !== undefined) content = splitTokens(directive.reply);
  else if (served.id === 'mock/judge') content = splitTokens(judgeReply(textOf(lastUser?.content)));
  else {
    const count = directive.tokens ?? options.tokens;
    const echo = served.id === 'mock/echo' ? stripDirectives(textOf(lastUser?.content)) : '';
    if (echo) content = splitTokens(echo);
    else content = generateTokens(rand, count !== undefined ? Math.floor(count) : around(rand, served.tokens));
    if (echo && count !== undefined) content = content.slice(0, count);
  }

  const ask = reasoningAsk(served, body, directive.reasoning !== undefined && directive.reasoning > 0);
  let reasoningCount = 0;
  if (ask.on && !input.empty) {
    reasoningCount = directive.reasoning ?? around(rand, served.reasoning!.tokens * ask.scale);
    if (ask.cap !== null) reasoningCount = Math.min(reasoningCount, ask.cap);
  }
  const wanted = reasoningCount + content.length;
  const limit = maxTokens(body);
  const reasoning = generateTokens(rand, Math.min(reasoningCount, limit));
  content = content.slice(0, Math.max(0, limit - reasoning.length));
  const finish = reasoning.length + content.length < wanted ? 'length' : call ? 'tool_calls' : 'stop';

  return {
    served,
    provider: served.providers[digest[4]! % served.providers.length]!,
    reasoning,
    content,
    hideReasoning: ask.hidden,
    finish,
    nativeFinish: finish === 'length' ? served.native_length : finish === 'tool_calls' ? 'tool_calls' : served.native_stop,
    ttftMs: directive.ttft ?? options.ttftMs ?? around(rand, served.ttft_ms),
    itlMs: directive.itl ?? options.itlMs ?? served.itl_ms,
    promptTokens: promptTokens(messages) + Math.floor(directive.hidden_prompt ?? 0),
    toolCalls: call ? [call] : [],
    toolDeltas: call ? toolDeltas(call) : [],
  };
}
