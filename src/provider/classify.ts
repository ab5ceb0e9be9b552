// What an attempt's failure was, in words that say what arrived. Pure. A kind decides retries
// (exec/job.ts), so an answer that will be the same next time (a redirect, an HTML page, a body
// that is not a stream) must never be a transient kind: four attempts would only repeat it.
import type { ErrorKind } from '../types/result.js';
import type { Params } from '../types/job.js';
import type { StreamResult } from './wire.js';
import { contentEncoding, decodable, decodeText } from './encoding.js';
import { isRecord, kindForStatus, parseErrorBody, statusLine, textExcerpt, tryJson } from './error-body.js';
import { retryAfterFromMetadata, retryAfterMs } from './retry-after.js';
import { TEXT_LIMIT, type Exchange } from './send.js';
import { errors as undiciErrors } from './undici.js';

export interface Failure {
  kind: ErrorKind;
  message: string;
}

const MIB = 1024 * 1024;
/**
 * A stream's size cap when max_response_bytes is not set: 2 KiB per allowed token (a recorded
 * event is 300–750 bytes and carries one token at worst; reasoning repeats its text in
 * `reasoning_details`), at least 1 MiB, and 64 MiB for a request without max_tokens.
 */
export function responseCap(params: Params, configured: number | null): number {
  if (configured !== null) return configured;
  const max = params.max_tokens ?? params.max_completion_tokens;
  if (typeof max !== 'number' || !Number.isFinite(max) || max <= 0) return 64 * MIB;
  return Math.max(MIB, Math.ceil(max) * 2048);
}

/** The cap was passed: the attempt was cancelled there, after `received` bytes on the wire. */
export function tooLargeFailure(cap: number, configured: number | null, params: Params, received: number): Failure {
  const asked = params.max_tokens !== undefined || params.max_completion_tokens !== undefined;
  const why = configured !== null ? 'max_response_bytes' : `max_response_bytes, derived from ${asked ? 'max_tokens' : 'no max_tokens'}`;
  return { kind: 'too_large', message: `the response passed ${cap} bytes (${why}) and was cancelled after ${received} bytes received` };
}

/** Why a 200 stream still failed, or null when it is a good answer. `hide` redacts before any cut. */
export function streamFailure(stream: StreamResult, hide: (text: string) => string = (t) => t): Failure | null {
  const failure = (message: string): Failure => ({ kind: 'stream', message });
  if (stream.error) return failure(`mid-stream error${stream.error.code !== null ? ` ${stream.error.code}` : ''}: ${hide(stream.error.message)}`);
  if (stream.malformed !== null) return failure(`malformed stream event: ${hide(stream.malformed).slice(0, 80)}`);
  if (stream.finish_reason === 'error') return failure(`finish_reason "error"${stream.native_finish_reason ? ` (${stream.native_finish_reason})` : ''}`);
  if (!stream.done && stream.finish_reason === null) return failure('stream ended before [DONE] and without a finish reason');
  return null;
}

/**
 * An answer read as text rather than streamed: an error status, a redirect, or a 2xx that is not
 * an event stream. `hide` redacts the whole body before anything is cut from it.
 */
export function textAnswerFailure(
  res: Exchange,
  contentType: string,
  hide: (text: string) => string,
  requestUrl: string,
  notAnswer: (status: number, contentType: string, text: string) => Failure = notAStream,
): Failure & { retry_after_ms: number | null } {
  const encoding = contentEncoding(res.headers);
  const text = hide(decodeText(res.text ?? Buffer.alloc(0), encoding, TEXT_LIMIT));
  const noWait = { retry_after_ms: null };
  if (res.status < 300 && encoding !== null && !decodable(encoding)) {
    return { kind: 'bad_request', message: `HTTP ${res.status} in content-encoding "${encoding}", which agent-lab cannot read (it asks for none)`, ...noWait };
  }
  if (res.status < 300) return { ...notAnswer(res.status, contentType, text), ...noWait };
  const location = res.headers.location;
  if (res.status < 400) return { ...redirectFailure(res.status, Array.isArray(location) ? location[0] : location, requestUrl), ...noWait };
  const error = parseErrorBody(res.status, text);
  const retry_after_ms = retryAfterMs(res.headers, Date.now()) ?? retryAfterFromMetadata(error.metadata, Date.now());
  return { kind: kindForStatus(res.status), message: error.message, retry_after_ms };
}

/** A 200 whose body is plainly not an event stream: an HTML page or a JSON document. */
export function notStreamType(contentType: string): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml|application\/(?:[\w.-]+\+)?json)\b/i.test(contentType);
}

/**
 * A 2xx answer that is not an event stream. An `{"error":…}` body is an error sent with the
 * wrong status and is classified by its own code; anything else is what base_url points at,
 * and it will say the same next time.
 */
export function notAStream(status: number, contentType: string, text: string): Failure {
  const what = `HTTP ${status} with ${contentType ? `"${contentType.split(';')[0]!.trim()}"` : 'no content-type'} instead of an event stream`;
  const json = tryJson(text);
  if (isRecord(json) && json.error != null) {
    const error = parseErrorBody(status, text);
    const code = typeof error.code === 'number' && error.code >= 400 && error.code <= 599 ? error.code : null;
    return { kind: code !== null ? kindForStatus(code) : 'server', message: `${what}: an error${code !== null ? ` ${code}` : ''}: ${error.message}` };
  }
  if (isRecord(json) && Array.isArray(json.choices)) {
    return { kind: 'bad_request', message: `${what}: a whole answer (${String(json.object ?? 'JSON')}); the endpoint ignored "stream": true, and agent-lab measures streamed answers only` };
  }
  const excerpt = textExcerpt(text);
  const hint = /<html|<!doctype/i.test(text.slice(0, 512)) ? '; base_url must be the API root, e.g. https://openrouter.ai/api/v1' : '';
  return { kind: 'bad_request', message: `${what}${excerpt ? `: ${excerpt}` : ' (empty body)'}${hint}` };
}

/**
 * A stream that parsed to no event at all. Bytes that are not SSE (`head` is how they began) will
 * be the same next time; an empty body is a connection that broke, and is a stream failure.
 */
export function noEvents(stream: StreamResult, head: string): Failure | null {
  if (stream.events > 0 || stream.done || stream.malformed !== null || stream.error !== null) return null;
  if (head.trim() === '') return { kind: 'stream', message: 'HTTP 200, then the body ended without any event' };
  // Keep-alive comments and then an early end are an interrupted stream, said by streamFailure.
  if (/^\s*(:|data\b|event\b|id\b|retry\b)/.test(head)) return null;
  return { kind: 'bad_request', message: `HTTP 200 with no event in the stream; it began: ${textExcerpt(head)}` };
}

/** 3xx: never followed (the key would go to wherever it points), never retried. */
export function redirectFailure(status: number, location: string | undefined, requestUrl: string): Failure {
  let target = location?.trim() ?? '';
  try {
    if (target) target = new URL(target, requestUrl).href;
  } catch {
    // an unparsable Location is quoted as it came
  }
  return {
    kind: 'bad_request',
    message: `${statusLine(status)}${target ? ` to ${target}` : ' without a Location'}: not followed, so the key goes nowhere else; set base_url to the address that answers${target ? ' (the redirect names it)' : ''}`,
  };
}

export function networkKind(error: unknown): ErrorKind {
  if (error instanceof undiciErrors.ConnectTimeoutError) return 'timeout';
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) return 'timeout';
  return 'network';
}

/** An error's message with its code and its cause's code: `other side closed (UND_ERR_SOCKET)`. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown; message?: string } }).cause;
  const detail = [typeof code === 'string' ? code : null, cause?.code ? String(cause.code) : null].filter(Boolean).join(' ');
  return detail ? `${error.message} (${detail})` : error.message;
}
