// A non-streamed answer: one JSON body (`chat.completion`) → the same StreamResult a stream gives.
// Pure. The body is the stream's content in one piece, so it is read by the SSE reader itself
// as one event whose `delta` is the message: choices, reasoning and its details, tool calls,
// usage, and an error at the top or in a choice are parsed by one code path, with its guards.
import type { Failure } from './classify.js';
import { isRecord, textExcerpt } from './error-body.js';
import { createStreamReader, type StreamReader } from './sse.js';
import type { StreamResult } from './wire.js';

const MALFORMED_EXCERPT = 200;

/** Collects the body's bytes; end() parses them. No token has a time: the answer came whole. */
export function createJsonReader(): StreamReader {
  const parts: Buffer[] = [];
  const sse = createStreamReader();
  let ended = false;
  return {
    feed(chunk) {
      if (!ended) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    },
    end() {
      if (ended) return sse.result;
      ended = true;
      const text = Buffer.concat(parts).toString('utf8');
      parts.length = 0;
      if (text.trim() === '') return sse.end();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!isRecord(body)) {
        const result = sse.end();
        // Not JSON (cut short, or never JSON) is malformed; JSON that is no object is just not an answer.
        if (body === undefined) result.malformed = text.trim().slice(0, MALFORMED_EXCERPT);
        else result.events = 1;
        return result;
      }
      const choices = Array.isArray(body.choices) ? body.choices.map((c: unknown) => (isRecord(c) ? { ...c, delta: c.message ?? c.delta } : c)) : body.choices;
      sse.feed(`data: ${JSON.stringify({ ...body, choices })}\n\n`, 0);
      const result = sse.end();
      // A whole answer has no token times: ttft, ttfc and itl are unknown, never 0.
      result.first_token_at = result.first_content_at = result.last_token_at = null;
      result.done = Array.isArray(body.choices);
      return result;
    },
    get result() {
      return sse.result;
    },
  };
}

/**
 * Why a 200 JSON answer still failed, or null when it is a good one. An error in the body is the
 * non-streamed form of a mid-stream error (the generation failed after it started, and may be
 * billed): `stream`, as for a stream. A body cut short is a broken connection (`stream`); one that
 * was never JSON will be the same next time (`bad_request`).
 */
export function wholeFailure(result: StreamResult, head: string, hide: (text: string) => string = (t) => t): Failure | null {
  const failure = (kind: Failure['kind'], message: string): Failure => ({ kind, message });
  if (result.error) return failure('stream', `HTTP 200 with an error in the answer${result.error.code !== null ? ` ${result.error.code}` : ''}: ${hide(result.error.message)}`);
  if (result.malformed !== null) {
    const excerpt = textExcerpt(hide(result.malformed));
    if (/^\s*[[{]/.test(head)) return failure('stream', `the JSON answer is cut off or malformed: ${excerpt}`);
    return failure('bad_request', `HTTP 200 with a body that is not JSON${excerpt ? `: ${excerpt}` : ''}; base_url must be an OpenAI-compatible API root, e.g. https://openrouter.ai/api/v1`);
  }
  if (result.events === 0) return failure('stream', 'HTTP 200, then the body ended without an answer');
  if (!result.done) return failure('bad_request', 'HTTP 200 with JSON that is not a chat completion (no `choices` and no `error`)');
  if (result.finish_reason === 'error') return failure('stream', `finish_reason "error"${result.native_finish_reason ? ` (${result.native_finish_reason})` : ''}`);
  return null;
}

/** A 200 to a non-streamed request that is plainly not its JSON answer: a page, or an event stream it did not ask for. */
export function notWholeType(contentType: string): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml|text\/event-stream)\b/i.test(contentType);
}

/** The message for such a 200: the same next time, so never a transient kind. */
export function notAWholeAnswer(status: number, contentType: string, text: string): Failure {
  const type = contentType.split(';')[0]!.trim();
  if (/event-stream/i.test(type)) return { kind: 'bad_request', message: `HTTP ${status} with an event stream to a request without "stream": the endpoint streams regardless; measure it with streaming on` };
  const excerpt = textExcerpt(text);
  return { kind: 'bad_request', message: `HTTP ${status} with "${type}" instead of a JSON answer${excerpt ? `: ${excerpt}` : ' (empty body)'}; base_url must be the API root, e.g. https://openrouter.ai/api/v1` };
}
