// POST /chat/completions: validate like OpenRouter, apply the request's faults, then stream the
// planned answer (or, without `stream: true`, send it as one JSON body) and keep the request log
// entry and the /generation record up to date.
import { createHash, randomBytes } from 'node:crypto';
import type Big from 'big.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { billedUsd, usageJson, type GenerationRecord } from './accounting.js';
import { textOf, type ChatMessage } from './answer.js';
import { contentProblem, loggedMessages } from './content.js';
import { findModel, type MockModel } from './catalog.js';
import { routeProvider } from './endpoints.js';
import { DirectiveError, directivesIn, mergeDirectives, parseDirective, type Directive, type Fault } from './directive.js';
import { faultReply, jsonError } from './faults.js';
import { rubricOf } from './judge.js';
import { now, pushBounded, setBounded, type MockRequestLog } from './log.js';
import { planAnswer, type PlanOptions } from './plan.js';
import { streamAnswer, type StreamFault } from './stream.js';
import { answerWhole } from './whole.js';

export interface MockState {
  apiKey: string | undefined;
  plan: PlanOptions;
  generationDelayMs: number;
  commentLines: number;
  serverFault: Directive | undefined;
  logLimit: number;
  requests: MockRequestLog[];
  /** Attempts per sha256 of the raw body: what `times=k` counts. */
  attempts: Map<string, number>;
  generations: Map<string, GenerationRecord>;
  /** Everything the simulator has billed (every stream, aborted and failed ones too): the ground truth of spend. */
  billing: { usd: Big; generations: number };
  /** Streams in flight, stopped when the server closes. */
  streams: Set<{ stop(): void }>;
  seq: number;
}

const MAX_BODY = 16 * 1024 * 1024;
const STREAM_FAULTS = new Set(['midstream_error', 'reset', 'stall', 'malformed']);
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `gen-<unix seconds>-<20 chars>`, like OpenRouter's ids. */
function generationId(): string {
  const bytes = randomBytes(20);
  let tail = '';
  for (const b of bytes) tail += ID_CHARS[b % ID_CHARS.length];
  return `gen-${Math.floor(Date.now() / 1000)}-${tail}`;
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? null) : null;
}

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

/** The 401 OpenRouter gives for a missing or wrong key; null when the request may pass. */
export function authError(apiKey: string | undefined, req: IncomingMessage): string | null {
  if (apiKey === undefined) return null;
  const auth = header(req, 'authorization');
  if (auth === `Bearer ${apiKey}`) return null;
  return jsonError(401, auth ? 'User not found.' : 'No auth credentials found');
}

export function handleChat(state: MockState, req: IncomingMessage, res: ServerResponse): void {
  const entry: MockRequestLog = {
    seq: ++state.seq,
    received_at: now(),
    first_byte_at: null,
    first_token_at: null,
    first_content_at: null,
    end_at: null,
    model: null,
    served_model: null,
    provider: null,
    body_sha256: '',
    attempt: 0,
    fault: null,
    status: 0,
    generation_id: null,
    completion_tokens: 0,
    reasoning_tokens: 0,
    authorization_present: req.headers.authorization !== undefined,
    stream: null,
    job: header(req, 'x-agent-lab-job'),
    messages: null,
  };
  pushBounded(state.requests, entry, state.logLimit);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY) chunks.push(c);
  });
  // The work is deferred to the loop's check phase: every request already on a socket is stamped
  // (received_at) first. Done inline, a cold simulator stamped the 50th request of a burst ~48 ms
  // after it arrived, and its log charged its own queue to the client (docs/performance.md).
  req.on('end', () => setImmediate(() => respond(state, req, res, entry, Buffer.concat(chunks), size > MAX_BODY)));
}

function respond(state: MockState, req: IncomingMessage, res: ServerResponse, entry: MockRequestLog, raw: Buffer, tooBig: boolean): void {
  const fail = (status: number, body: string, headers?: Record<string, string>) => {
    sendJson(res, status, body, headers);
    entry.status = status;
    entry.first_byte_at = entry.end_at = now();
  };
  entry.body_sha256 = createHash('sha256').update(raw).digest('hex');
  entry.attempt = (state.attempts.get(entry.body_sha256) ?? 0) + 1;
  setBounded(state.attempts, entry.body_sha256, entry.attempt, state.logLimit);

  const unauthorized = authError(state.apiKey, req);
  if (unauthorized) return fail(401, unauthorized);
  if (tooBig) return fail(413, jsonError(413, 'Request body too large'));
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return fail(400, jsonError(400, 'Invalid JSON in request body'));
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(400, jsonError(400, 'Request body must be a JSON object'));
  entry.model = typeof body.model === 'string' ? body.model : null;
  entry.stream = body.stream === true;
  const requested = entry.model === null ? undefined : findModel(entry.model);
  if (!requested) return fail(400, jsonError(400, `${entry.model ?? '(missing model)'} is not a valid model ID`));
  if (!Array.isArray(body.messages) || body.messages.length === 0) return fail(400, jsonError(400, 'messages must be a non-empty array'));
  const badContent = contentProblem(body.messages);
  if (badContent) return fail(400, jsonError(400, badContent));
  const messages = body.messages as ChatMessage[];
  entry.messages = loggedMessages(messages);

  let directive: Directive;
  try {
    const fromHeader = header(req, 'x-mock-fault');
    const lastUser = [...messages].reverse().find((m) => m?.role === 'user');
    // A judge request quotes the subject's prompt, directives and all: the judge takes its own from the rubric only.
    const said = textOf(lastUser?.content);
    directive = mergeDirectives(state.serverFault, fromHeader ? parseDirective(fromHeader) : undefined, directivesIn(requested.id === 'mock/judge' ? rubricOf(said) : said));
  } catch (err) {
    if (err instanceof DirectiveError) return fail(400, jsonError(400, err.message));
    throw err;
  }
  const f = directive.fault;
  const fault: Fault | null = f && (f.times === null || entry.attempt <= f.times) ? f : null;
  entry.fault = fault?.kind ?? null;

  const routed = routeProvider(requested, body);
  if ('status' in routed) return fail(routed.status, routed.body);
  const served: MockModel = fault?.kind === 'fallback' ? (findModel(fault.model!) ?? { ...requested, id: fault.model!, canonical_slug: fault.model! }) : routed.model;
  const plan = planAnswer({ requested, served, body, messages, directive, options: state.plan, empty: fault?.kind === 'empty' });
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : null;
  const early = fault && faultReply(fault, { model: requested.id, provider: plan.provider, maxTokens, now: Date.now() });
  if (early) return fail(early.status, early.body, early.headers);

  const id = generationId();
  const produced = plan.reasoning.length + plan.content.length + plan.toolDeltas.length;
  const counts = { prompt: plan.promptTokens, completion: produced, reasoning: plan.reasoning.length };
  Object.assign(entry, { status: 200, generation_id: id, served_model: served.canonical_slug, provider: plan.provider });
  const streamFault: StreamFault | null =
    fault && STREAM_FAULTS.has(fault.kind) ? { kind: fault.kind as StreamFault['kind'], after: fault.after ?? 3, ms: fault.ms ?? 60_000 } : null;
  const delay = fault?.kind === 'generation_never' ? Infinity : fault?.kind === 'generation_delay' ? (fault.ms ?? state.generationDelayMs) : state.generationDelayMs;

  // `end` can run inside streamAnswer itself (ttft=0, itl=0), before `handle` is assigned.
  let ended = false;
  let handle: { stop(): void } | undefined;
  handle = (entry.stream ? streamAnswer : answerWhole)(
    res,
    { id, created: Math.floor(Date.now() / 1000), plan, usageJson: usageJson(served.pricing, counts), commentLines: state.commentLines, fault: streamFault, startAt: entry.received_at },
    {
      firstByte: (at) => (entry.first_byte_at = at),
      firstToken: (at) => (entry.first_token_at = at),
      firstContent: (at) => (entry.first_content_at = at),
      end: (at, outcome, emitted, reasoningEmitted) => {
        ended = true;
        if (handle) state.streams.delete(handle);
        Object.assign(entry, { end_at: at, completion_tokens: emitted, reasoning_tokens: reasoningEmitted });
        const record: GenerationRecord = {
          id,
          model: served.canonical_slug,
          provider: plan.provider,
          pricing: served.pricing,
          counts: { prompt: counts.prompt, completion: emitted, reasoning: reasoningEmitted },
          received_at: entry.received_at,
          first_token_at: entry.first_token_at,
          end_at: at,
          finish_reason: outcome === 'complete' ? plan.finish : outcome === 'error' ? 'error' : null,
          native_finish_reason: outcome === 'complete' ? plan.nativeFinish : outcome === 'error' ? 'error' : null,
          cancelled: outcome === 'aborted',
          streamed: entry.stream === true,
          cost_factor: fault?.kind === 'cost_mismatch' ? 2 : 1,
          ready_at: at + delay,
          external_user: typeof body.user === 'string' ? body.user : null,
          session_id: typeof body.session_id === 'string' ? body.session_id : null,
          http_referer: header(req, 'http-referer'),
          user_agent: header(req, 'user-agent'),
        };
        setBounded(state.generations, id, record, state.logLimit);
        state.billing.usd = state.billing.usd.plus(billedUsd(record));
        state.billing.generations++;
      },
    },
  );
  if (!ended) state.streams.add(handle);
}
