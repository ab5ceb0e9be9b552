// The HTTP edge: sends one attempt, streamed or not (`stream: false`: one JSON body), and turns
// whatever happens into an AttemptOutcome; it never throws for a failed request. Retries are
// job.ts's business. Every message that leaves here is redacted (log.ts): servers echo headers.
import { errors as undiciErrors } from './undici.js';
import { redactor, secretsOnly, type Logger } from '../log.js';
import type { ErrorKind } from '../types/result.js';
import type { StreamResult } from './wire.js';
import { describe, networkKind, noEvents, notStreamType, responseCap, streamFailure, textAnswerFailure, tooLargeFailure, type Failure } from './classify.js';
import { kindForStatus } from './error-body.js';
import type { SocketStock } from './preconnect.js';
import { contentEncoding, decodable, streamDecoder, type StreamDecoder } from './encoding.js';
import { createJsonReader, notAWholeAnswer, notWholeType, wholeFailure } from './json-body.js';
import { lookupGeneration } from './lookup.js';
import { onAbort } from './on-abort.js';
import { describeProxy, type ProxySettings } from './proxy.js';
import { createPools } from './pools.js';
import { chatBody, type ChatRequest } from './request.js';
import { send, type SendState } from './send.js';
import { createStreamReader } from './sse.js';

export interface Timeouts {
  connect_ms: number;
  /** Request sent → first content or reasoning token. Without streaming, ttft_ms + idle_ms is one wait for the whole answer. */
  ttft_ms: number;
  /** Longest silence between two network chunks once the response has started (streams and error bodies). */
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
  /** Bytes one response may bring before it is cancelled (`too_large`); null derives it from max_tokens. */
  maxResponseBytes?: number | null;
  /** From HTTP(S)_PROXY / NO_PROXY; null or absent sends direct. */
  proxy?: ProxySettings | null;
  /** Chat connections opened ahead of the first request (preconnect.ts), taken before new ones. */
  sockets?: SocketStock | null;
  now: () => number;
  logger: Logger;
}

export type { ChatRequest } from './request.js';

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
  /** Aborted after the request reached the API but before anything named its generation: it may be billed, and no lookup can say how much. */
  unidentified?: true;
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
class TooLarge extends Error {}

/** Of a stream that parses to no event, this much of its start is kept to say what it was. */
const HEAD_BYTES = 512;

export function createClient(options: ClientOptions): Client {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const { pool, lookupPool } = createPools({ ...options.timeouts, connections: options.connections, proxy: options.proxy, sockets: options.sockets }, base.origin);
  const path = (rel: string) => `${base.pathname}${rel}`;
  const baseHeaders: Record<string, string> = { ...options.headers };
  if (options.apiKey) baseHeaders.authorization = `Bearer ${options.apiKey}`;
  const { now, timeouts, logger } = options;
  // Server text (error bodies, error events) gets the whole redaction; the model's own text only
  // loses the key itself, since a code answer may rightly say `Authorization: Bearer ${token}`.
  const hide = redactor([options.apiKey]);
  const hideKey = secretsOnly([options.apiKey]);
  if (options.proxy) logger.debug(describeProxy(options.proxy));

  async function chat(request: ChatRequest, signal?: AbortSignal): Promise<AttemptOutcome> {
    const whole = request.stream === false;
    const body = JSON.stringify(chatBody(request));
    const headers: Record<string, string> = { ...baseHeaders, 'content-type': 'application/json', accept: whole ? 'application/json' : 'text/event-stream' };
    if (request.jobId) headers['x-agent-lab-job'] = request.jobId;
    const cap = responseCap(request.params, options.maxResponseBytes ?? null);

    const controller = new AbortController();
    const forget = signal ? onAbort(signal, () => controller.abort(signal.reason)) : null;
    let timedOut: string | null = null;
    const fire = (what: string) => () => {
      timedOut = what;
      controller.abort(new Timeout(what));
    };
    const total = setTimeout(fire(`no complete answer within total_ms ${timeouts.total_ms} ms`), timeouts.total_ms);
    // ttft_ms counts from the socket, like ttft itself: a wait for a pooled connection or a
    // connect is bounded by connect_ms and total_ms, not charged to the model. A whole answer has
    // no first token and no gaps: its first-token wait and its silence are one wait.
    let ttft: NodeJS.Timeout | undefined;
    const [wait, waitText] = whole
      ? [timeouts.ttft_ms + timeouts.idle_ms, `no complete answer within ttft_ms + idle_ms ${timeouts.ttft_ms + timeouts.idle_ms} ms (not streamed: one wait)`]
      : [timeouts.ttft_ms, `no first token within ttft_ms ${timeouts.ttft_ms} ms`];
    const onSent = () => (ttft = setTimeout(fire(waitText), wait));
    let idle: NodeJS.Timeout | null = null;

    // Set when undici writes the request to the socket; a request that never got there keeps the call time.
    const sending: SendState = { sentAt: null, bytes: 0 };
    const calledAt = now();
    const outcome = (fields: Partial<AttemptOutcome>): AttemptOutcome => {
      const out: AttemptOutcome = {
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
      };
      if (out.error_message !== null) out.error_message = hide(out.error_message);
      return out;
    };
    const failed = (failure: Failure, fields: Partial<AttemptOutcome>) => outcome({ ...fields, error_kind: failure.kind, error_message: failure.message });
    let status: number | null = null;
    let contentType = '';
    let started = false;
    let tooLarge = false;
    let decoded = 0;
    let head = '';
    let decoder: StreamDecoder | null = null;
    const reader = whole ? createJsonReader() : createStreamReader();
    // OpenRouter names the generation in a header too: an attempt aborted before its first chunk
    // is still billed, and this id is the only way to look up what it cost.
    let headerId: string | null = null;
    const finalStream = (): StreamResult => {
      const stream = reader.end();
      stream.generation_id ??= headerId;
      stream.content = hideKey(stream.content);
      stream.reasoning = hideKey(stream.reasoning);
      return stream;
    };
    // Bytes after decoding go to the SSE reader, up to the cap: past it the attempt is cancelled.
    const feed = (chunk: Buffer, at: number) => {
      if (tooLarge) return;
      decoded += chunk.length;
      if (decoded > cap) {
        tooLarge = true;
        controller.abort(new TooLarge());
        return;
      }
      if (head.length < HEAD_BYTES && decoded - chunk.length < HEAD_BYTES) head += chunk.subarray(0, HEAD_BYTES).toString('utf8');
      reader.feed(chunk, at);
      if (ttft !== undefined && reader.result.first_token_at !== null) {
        clearTimeout(ttft);
        ttft = undefined;
      }
    };
    try {
      if (signal?.aborted) return outcome({ error_kind: 'aborted', error_message: 'aborted before sending' });
      logger.debug(`→ POST ${path('chat/completions')} model=${request.model} job=${request.jobId ?? '-'}`);
      const onHeaders = (code: number, got: Record<string, string | string[]>) => {
        status = code;
        contentType = String(got['content-type'] ?? '');
        const id = got['x-generation-id'];
        if (code < 300 && typeof id === 'string' && id) headerId = id;
        const encoding = contentEncoding(got);
        const text = code >= 300 || (whole ? notWholeType(contentType) : notStreamType(contentType)) || (encoding !== null && !decodable(encoding));
        // An error body, a page or a document is read whole (to TEXT_LIMIT); a silent one ends at idle_ms.
        if (text || !whole) idle = setTimeout(fire(`${whole ? 'body' : 'stream'} silent for idle_ms ${timeouts.idle_ms} ms`), timeouts.idle_ms);
        if (text) {
          clearTimeout(ttft);
          return 'text' as const;
        }
        if (encoding !== null) decoder = streamDecoder(encoding, (data) => feed(data, now()));
        return 'stream' as const;
      };
      const onChunk = (chunk: Buffer, at: number) => {
        started = true;
        idle?.refresh();
        if (decoder) decoder.write(chunk);
        else feed(chunk, at);
      };
      const res = await send(pool, { origin: base.origin, path: path('chat/completions'), method: 'POST', headers, body }, { now, onHeaders, onChunk, onSent, signal: controller.signal }, sending);
      if (res.text !== null) {
        const failure = textAnswerFailure(res, contentType, hide, `${base.origin}${path('chat/completions')}`, whole ? notAWholeAnswer : undefined);
        logger.debug(`← ${res.status} model=${request.model}: ${failure.message}`);
        return failed(failure, { http_status: res.status, response_started: true, retry_after_ms: failure.retry_after_ms });
      }
      const broken = decoder ? await (decoder as StreamDecoder).end() : null;
      if (tooLarge) throw new TooLarge();
      const stream = finalStream();
      const ended_at = sending.endedAt ?? now();
      const failure = whole ? wholeFailure(stream, head, hide) : (noEvents(stream, head) ?? streamFailure(stream, hide));
      if (logger.enabled('debug')) {
        logger.debug(`← 200 model=${request.model} events=${stream.events} finish=${stream.finish_reason} gen=${stream.generation_id}`);
      }
      const base200 = { http_status: res.status, response_started: true, stream, ended_at };
      if (failure) return failed(broken && failure.kind === 'stream' ? { kind: 'stream', message: `${failure.message}; ${broken}` } : failure, base200);
      return outcome({ ...base200, ok: true });
    } catch (error) {
      const partial = started || headerId !== null ? finalStream() : null;
      const fields = { http_status: status, response_started: started, stream: partial };
      if (tooLarge) return failed(tooLargeFailure(cap, options.maxResponseBytes ?? null, request.params, sending.bytes), fields);
      if (timedOut !== null) {
        // A 4xx/5xx whose body never ended is still that status, not a slow model.
        if (status !== null && status >= 300) return failed({ kind: kindForStatus(status), message: `HTTP ${status}, then its body did not end: ${timedOut}` }, fields);
        return failed({ kind: 'timeout', message: timedOut }, fields);
      }
      if (signal?.aborted) {
        const unidentified = sending.sentAt !== null && !partial?.generation_id ? { unidentified: true as const } : {};
        return outcome({ ...fields, ...unidentified, error_kind: 'aborted', error_message: 'aborted by the user' });
      }
      const kind: ErrorKind = started || status !== null ? 'stream' : networkKind(error);
      const message = error instanceof undiciErrors.ConnectTimeoutError ? `no connection within connect_ms ${timeouts.connect_ms} ms (${describe(error)})` : describe(error);
      return failed({ kind, message: status !== null ? `${message} after ${sending.bytes} bytes of the response` : message }, fields);
    } finally {
      clearTimeout(total);
      clearTimeout(ttft);
      if (idle) clearTimeout(idle);
      forget?.();
    }
  }

  const generation = (id: string, signal?: AbortSignal) =>
    lookupGeneration(lookupPool, { origin: base.origin, path: `${path('generation')}?id=${encodeURIComponent(id)}`, headers: baseHeaders, timeouts, signal });

  return {
    chat,
    generation,
    close: async () => {
      options.sockets?.close();
      await Promise.all([pool.close(), lookupPool.close()]);
    },
  };
}
