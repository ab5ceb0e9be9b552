// SSE bytes → StreamResult for OpenRouter chat-completion streams. Pure: no I/O and no clock
// (the caller passes `now`), so a socket, a recording and a test string all take the same path.
// The traps handled here are listed in shared/docs/openrouter-wire.md §1.3–1.8 and §8.
// Hot path: thousands of streams run at once, so the reader mutates one result object and
// collects text in arrays joined once in end(); the only per-event allocation is JSON.parse.
// A "token" for first_token_at/last_token_at is any model output: content, reasoning text or
// summary, an encrypted reasoning block, or a tool-call name or argument fragment.
import { createParser } from 'eventsource-parser';
import type { StreamResult, ToolCall } from './wire.js';
import { isObject, toApiError, toUsage, type WireChoice, type WireChunk, type WireDelta, type WireDetail, type WireToolCall, type WireUsage } from './wire-values.js';

export interface StreamReader {
  /** Feed raw bytes (or text) as they arrive; `now` is the caller's monotonic clock in ms at arrival. */
  feed(chunk: Uint8Array | string, now: number): void;
  /** Flush the decoder/parser at end of input and return the final result. Idempotent. */
  end(): StreamResult;
  /**
   * The live, partially accumulated result. Scalars (ids, finish reasons, usage, error, timing,
   * counters) are current; `content`, `reasoning` and tool-call `arguments` stay '' until end().
   */
  readonly result: StreamResult;
}

const MALFORMED_EXCERPT = 200;
/** One options object for every decode call, not one per network chunk. */
const STREAMING = { stream: true } as const;

export function createStreamReader(): StreamReader {
  const result = emptyResult();
  const content: string[] = [];
  const reasoning: string[] = [];
  /** Argument fragments per entry of result.tool_calls, and wire index → entry position. */
  const toolArgs: string[][] = [];
  const toolSlot = new Map<number, number>();
  // A streaming decoder keeps a multi-byte character split across network chunks whole.
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent: (event) => onData(event.data) });
  let now = 0;
  let flushing = false;
  let ended = false;

  function onData(data: string): void {
    if (data === '[DONE]') {
      result.done = true;
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      // An event cut off by the end of input is an interrupted stream, not a malformed one:
      // the caller already sees done=false. Mid-stream garbage is recorded and skipped.
      if (!flushing) result.malformed ??= data.slice(0, MALFORMED_EXCERPT);
      return;
    }
    if (!isObject(chunk)) {
      result.malformed ??= data.slice(0, MALFORMED_EXCERPT);
      return;
    }
    result.events++;
    applyChunk(chunk as WireChunk);
  }

  function applyChunk(chunk: WireChunk): void {
    if (result.generation_id === null && typeof chunk.id === 'string') result.generation_id = chunk.id;
    if (result.model_served === null && typeof chunk.model === 'string') result.model_served = chunk.model;
    if (result.provider === null && typeof chunk.provider === 'string') result.provider = chunk.provider;
    // Usage rides on whichever chunk the server chose (wire §1.5); `usage: null` is not news.
    if (isObject(chunk.usage)) result.usage = toUsage(chunk.usage as WireUsage);
    // The first error is the cause; later ones tend to repeat it.
    if (chunk.error != null) result.error ??= toApiError(chunk.error);
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return;
    for (let i = 0; i < choices.length; i++) {
      const choice: unknown = choices[i];
      if (isObject(choice)) applyChoice(choice as WireChoice);
    }
  }

  function applyChoice(choice: WireChoice): void {
    // We always ask for one completion; never mix text from another choice into it.
    if (typeof choice.index === 'number' && choice.index !== 0) return;
    if (typeof choice.finish_reason === 'string') result.finish_reason = choice.finish_reason;
    if (typeof choice.native_finish_reason === 'string') result.native_finish_reason = choice.native_finish_reason;
    if (choice.error != null) result.error ??= toApiError(choice.error);
    if (!isObject(choice.delta)) return;
    const delta = choice.delta as WireDelta;
    let token = false;
    const text = delta.content;
    if (typeof text === 'string' && text !== '') {
      content.push(text);
      result.first_content_at ??= now;
      token = true;
    }
    // `reasoning` and `reasoning_details[].text` carry the same words (REC 04, 05): take the
    // plain string when there is one and the details only when it is absent or empty.
    const plain = delta.reasoning;
    const hasPlain = typeof plain === 'string' && plain !== '';
    if (hasPlain) {
      reasoning.push(plain);
      token = true;
    }
    if (Array.isArray(delta.reasoning_details) && applyDetails(delta.reasoning_details, hasPlain)) token = true;
    if (Array.isArray(delta.tool_calls) && applyToolCalls(delta.tool_calls)) token = true;
    if (token) {
      result.first_token_at ??= now;
      result.last_token_at = now;
    }
  }

  /** Returns true when the items carried model output (text, summary or an encrypted block). */
  function applyDetails(items: unknown[], hasPlain: boolean): boolean {
    let token = false;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as WireDetail | null;
      if (!isObject(item)) continue;
      if (item.type === 'reasoning.encrypted') {
        // Opaque provider state (Grok, Gemini): counted, never decoded, yet it is model output.
        result.reasoning_encrypted++;
        token = true;
        continue;
      }
      const words = item.type === 'reasoning.text' ? item.text : item.type === 'reasoning.summary' ? item.summary : null;
      // Signature-only items (Anthropic) carry no words and are skipped.
      if (typeof words !== 'string' || words === '') continue;
      token = true;
      if (!hasPlain) reasoning.push(words);
    }
    return token;
  }

  /** Fragments accumulate by `index`: the first has id and name, later ones only arguments. */
  function applyToolCalls(items: unknown[]): boolean {
    let token = false;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as WireToolCall | null;
      if (!isObject(item)) continue;
      const fn = isObject(item.function) ? item.function : null;
      const index = typeof item.index === 'number' ? item.index : null;
      // Without an index, a fragment with an id opens a new call; one without extends the last.
      let slot = index !== null ? toolSlot.get(index) : typeof item.id === 'string' ? undefined : toolArgs.length - 1;
      if (slot === undefined || slot < 0) {
        slot = result.tool_calls.length;
        if (index !== null) toolSlot.set(index, slot);
        result.tool_calls.push({ id: null, name: null, arguments: '' });
        toolArgs.push([]);
      }
      const call = result.tool_calls[slot] as ToolCall;
      if (call.id === null && typeof item.id === 'string' && item.id !== '') call.id = item.id;
      const name = fn?.name;
      if (call.name === null && typeof name === 'string' && name !== '') {
        call.name = name;
        token = true;
      }
      const args = fn?.arguments;
      if (typeof args === 'string' && args !== '') {
        (toolArgs[slot] as string[]).push(args);
        token = true;
      }
    }
    return token;
  }

  return {
    feed(chunk, at) {
      if (ended) return;
      now = at;
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, STREAMING);
      if (text !== '') parser.feed(text);
    },
    end() {
      if (ended) return result;
      ended = true;
      // Flush a dangling partial character, then terminate a last event that lacked its blank
      // line (a complete JSON payload there is still used; a cut-off one is dropped).
      flushing = true;
      parser.feed(`${decoder.decode()}\n\n`);
      result.content = content.join('');
      result.reasoning = reasoning.join('');
      for (let i = 0; i < toolArgs.length; i++) (result.tool_calls[i] as ToolCall).arguments = (toolArgs[i] as string[]).join('');
      return result;
    },
    get result() {
      return result;
    },
  };
}

/** Convenience for a whole body at once (recordings, tests); every event gets `now` = 0. */
export function parseSse(text: string): StreamResult {
  const reader = createStreamReader();
  reader.feed(text, 0);
  return reader.end();
}

function emptyResult(): StreamResult {
  return {
    generation_id: null, model_served: null, provider: null, content: '', reasoning: '', reasoning_encrypted: 0,
    tool_calls: [], finish_reason: null, native_finish_reason: null, usage: null, error: null, malformed: null,
    done: false, events: 0, first_token_at: null, first_content_at: null, last_token_at: null,
  };
}
