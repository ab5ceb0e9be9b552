// The HTTP edge: one undici Pool per endpoint, sized to the concurrency. Sends one
// streaming attempt and turns whatever happens into an AttemptOutcome; it never throws
// for a failed request. Retries are job.ts's business, not this file's.
import { Pool, errors as undiciErrors } from './undici.js';
import type { Logger } from '../log.js';
import type { ErrorKind } from '../types/result.js';
import type { Message, Params } from '../types/job.js';
import type { StreamResult } from './wire.js';
import { kindForStatus, parseErrorBody } from './error-body.js';
import { preciseConnector } from './connector.js';
import { send, type SendState } from './send.js';
import { createStreamReader } from './sse.js';
import { retryAfterFromMetadata, retryAfterMs } from './retry-after.js';

export interface Timeouts {
  connect_ms: number;
  /** Request sent → first content or reasoning token. */
  ttft_ms: number;
  /** Longest silence between two network chunks once the response has started. */
  idle_ms: number;
  /** Whole attempt. */
  total_ms: number;
}

export interface ClientOptions {
  baseUrl: string;
  apiKey: string | null;
  /** Attribution and other extra headers (HTTP-Referer, X-Title). */
  headers: Record<string, string>;
  connections: number;
  timeouts: Timeouts;
  now: () => number;
  logger: Logger;
}

export interface ChatRequest {
  model: string;
  messages: Message[];
  params: Params;
  /** Sent as X-Agent-Lab-Job so a server log can be joined with results. */
  jobId?: string;
}

/** What one attempt produced. Times are monotonic ms from the client's clock. */
export interface AttemptOutcome {
  ok: boolean;
  http_status: number | null;
  error_kind: ErrorKind | null;
  error_message: string | null;
  /** Server-advised wait before retrying (Retry-After / X-RateLimit-Reset). */
  retry_after_ms: number | null;
  /** True once any response byte arrived: a retry may then pay twice. */
  response_started: boolean;
  stream: StreamResult | null;
  sent_at: number;
  ended_at: number;
}

export interface Client {
  chat(request: ChatRequest, signal?: AbortSignal): Promise<AttemptOutcome>;
  /** GET /generation?id=; returns the status and the parsed JSON body (null if not JSON). */
  generation(id: string, signal?: AbortSignal): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

class Timeout extends Error {}

export function createClient(options: ClientOptions): Client {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const poolOptions = {
    pipelining: 1,
    connect: preciseConnector(options.timeouts.connect_ms),
    // Our own timers below measure ttft/idle/total precisely; undici's are a looser backstop.
    headersTimeout: options.timeouts.total_ms + 1000,
    bodyTimeout: options.timeouts.total_ms + 1000,
    keepAliveTimeout: 30_000,
  };
  const pool = new Pool(base.origin, { ...poolOptions, connections: Math.max(1, options.connections) });
  // /generation lookups get their own connections: on the chat pool they queued behind streams
  // (and streams behind them), which delayed jobs and showed up as latency. As many as the chat
  // pool, because a server shares its time per connection: with fewer, lookups fell behind
  // short jobs and the backlog (a row each) grew with the run (bench: 9 KB per job at 100k).
  const lookupPool = new Pool(base.origin, { ...poolOptions, connections: Math.max(4, options.connections) });
  const path = (rel: string) => `${base.pathname}${rel}`;
  const baseHeaders: Record<string, string> = { ...options.headers };
  if (options.apiKey) baseHeaders.authorization = `Bearer ${options.apiKey}`;
  const { now, timeouts, logger } = options;

  async function chat(request: ChatRequest, signal?: AbortSignal): Promise<AttemptOutcome> {
    const body = JSON.stringify({
      model: request.model,
      messages: request.messages,
      ...request.params,
      stream: true,
      // Usage is always on today; older deployments needed one of these (wire reference §2).
      usage: { include: true },
      stream_options: { include_usage: true },
    });
    const headers: Record<string, string> = { ...baseHeaders, 'content-type': 'application/json', accept: 'text/event-stream' };
    if (request.jobId) headers['x-agent-lab-job'] = request.jobId;

    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut: string | null = null;
    const fire = (what: string) => () => {
      timedOut = what;
      controller.abort(new Timeout(what));
    };
    const total = setTimeout(fire(`no complete answer within total_ms ${timeouts.total_ms} ms`), timeouts.total_ms);
    // ttft_ms counts from the socket, like ttft itself: a wait for a pooled connection or a
    // connect is bounded by connect_ms and total_ms, not charged to the model.
    let ttft: NodeJS.Timeout | undefined;
    const onSent = () => (ttft = setTimeout(fire(`no first token within ttft_ms ${timeouts.ttft_ms} ms`), timeouts.ttft_ms));
    let idle: NodeJS.Timeout | null = null;

    // Set when undici writes the request to the socket; a request that never got there keeps the call time.
    const sending: SendState = { sentAt: null };
    const calledAt = now();
    const outcome = (fields: Partial<AttemptOutcome>): AttemptOutcome => ({
      ok: false,
      http_status: null,
      error_kind: null,
      error_message: null,
      retry_after_ms: null,
      response_started: false,
      stream: null,
      sent_at: sending.sentAt ?? calledAt,
      ended_at: now(),
      ...fields,
    });
    let status: number | null = null;
    let started = false;
    const reader = createStreamReader();
    try {
      if (signal?.aborted) return outcome({ error_kind: 'aborted', error_message: 'aborted before sending' });
      logger.debug(`→ POST ${path('chat/completions')} model=${request.model} job=${request.jobId ?? '-'}`);
      let firstToken = false;
      const onHeaders = (code: number) => {
        status = code;
        if (code >= 300) clearTimeout(ttft);
        else idle = setTimeout(fire(`stream silent for idle_ms ${timeouts.idle_ms} ms`), timeouts.idle_ms);
      };
      const onChunk = (chunk: Buffer, at: number) => {
        started = true;
        idle?.refresh();
        reader.feed(chunk, at);
        if (!firstToken && reader.result.first_token_at !== null) {
          firstToken = true;
          clearTimeout(ttft);
        }
      };
      const res = await send(pool, { path: path('chat/completions'), method: 'POST', headers, body }, { now, onHeaders, onChunk, onSent, signal: controller.signal }, sending);
      if (res.errorText !== null) {
        const error = parseErrorBody(res.status, res.errorText);
        logger.debug(`← ${res.status} model=${request.model}: ${error.message}`);
        return outcome({
          http_status: res.status,
          error_kind: kindForStatus(res.status),
          error_message: error.message,
          retry_after_ms: retryAfterMs(res.headers, Date.now()) ?? retryAfterFromMetadata(error.metadata, Date.now()),
          response_started: true,
        });
      }
      const stream = reader.end();
      const ended_at = now();
      const failure = streamFailure(stream);
      if (logger.enabled('debug')) {
        logger.debug(`← 200 model=${request.model} events=${stream.events} finish=${stream.finish_reason} gen=${stream.generation_id}`);
      }
      return outcome({
        ok: failure === null,
        http_status: res.status,
        error_kind: failure ? 'stream' : null,
        error_message: failure,
        response_started: true,
        stream,
        ended_at,
      });
    } catch (error) {
      const partial = started ? reader.end() : null;
      if (timedOut !== null) {
        return outcome({ http_status: status, error_kind: 'timeout', error_message: timedOut, response_started: started, stream: partial });
      }
      if (signal?.aborted) {
        return outcome({ http_status: status, error_kind: 'aborted', error_message: 'aborted by the user', response_started: started, stream: partial });
      }
      const kind: ErrorKind = started || status !== null ? 'stream' : networkKind(error);
      const message = error instanceof undiciErrors.ConnectTimeoutError ? `no connection within connect_ms ${timeouts.connect_ms} ms (${describe(error)})` : describe(error);
      return outcome({ http_status: status, error_kind: kind, error_message: message, response_started: started, stream: partial });
    } finally {
      clearTimeout(total);
      clearTimeout(ttft);
      if (idle) clearTimeout(idle);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async function generation(id: string, signal?: AbortSignal) {
    const res = await lookupPool.request({
      path: `${path('generation')}?id=${encodeURIComponent(id)}`,
      method: 'GET',
      headers: baseHeaders,
      signal,
      headersTimeout: timeouts.ttft_ms,
      bodyTimeout: timeouts.idle_ms,
    });
    const text = await res.body.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: res.statusCode, body };
  }

  return { chat, generation, close: async () => void (await Promise.all([pool.close(), lookupPool.close()])) };
}

/** Why a 200 stream still failed, or null when it is a good answer. */
export function streamFailure(stream: StreamResult): string | null {
  if (stream.error) return `mid-stream error${stream.error.code !== null ? ` ${stream.error.code}` : ''}: ${stream.error.message}`;
  if (stream.malformed !== null) return `malformed stream event: ${stream.malformed.slice(0, 80)}`;
  if (stream.finish_reason === 'error') return `finish_reason "error"${stream.native_finish_reason ? ` (${stream.native_finish_reason})` : ''}`;
  if (!stream.done && stream.finish_reason === null) return 'stream ended before [DONE] and without a finish reason';
  return null;
}

function networkKind(error: unknown): ErrorKind {
  if (error instanceof undiciErrors.ConnectTimeoutError) return 'timeout';
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) return 'timeout';
  return 'network';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown; message?: string } }).cause;
  const detail = [typeof code === 'string' ? code : null, cause?.code ? String(cause.code) : null].filter(Boolean).join(' ');
  return detail ? `${error.message} (${detail})` : error.message;
}
