// One HTTP exchange through undici's dispatch API, for the hot path. Two reasons not to use
// pool.request() here:
// - the clock: `onRequestSent` fires when undici has written the request to the socket, so the
//   time a request waited for a pooled connection or a TCP connect is not counted as latency
//   (issue 6: "the per-job clock starts when the request is handed to the socket");
// - the cost: body chunks go straight to the caller, with no Readable stream and no async
//   iterator per response (they were a tenth of agent-lab's CPU at 50 concurrent streams).
import type { Dispatcher } from 'undici';

export interface SendHooks {
  now: () => number;
  /**
   * Status line and headers arrived (1xx responses are skipped). Returns how to take the body:
   * `stream` hands each chunk to onChunk, `text` collects it (up to TEXT_LIMIT bytes) for
   * Exchange.text. Without this hook, 2xx bodies stream and the rest are text.
   */
  onHeaders?: (status: number, headers: Record<string, string | string[]>) => BodyMode;
  /** A chunk of a body taken as `stream`, with the monotonic time it arrived; called in the check phase after it was read (in order, before the exchange settles). */
  onChunk: (chunk: Buffer, at: number) => void;
  /** Bytes of a text body kept (default TEXT_LIMIT). */
  textLimit?: number;
  /** The request is on the socket: the moment the first-token clock starts. */
  onSent?: () => void;
  /** Aborts the exchange; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export type BodyMode = 'stream' | 'text';

/**
 * Of a body taken as text (an error page, a body that is not a stream) this much is kept; the
 * exchange then ends without reading the rest. A message quotes a few hundred characters of it,
 * so a hostile multi-gigabyte "error page" costs no memory and no wait.
 */
export const TEXT_LIMIT = 64 * 1024;

export interface Exchange {
  status: number;
  /** Lower-case names; repeated headers become arrays. */
  headers: Record<string, string | string[]>;
  /** The raw bytes of a body taken as text (streamed bodies went to onChunk); null otherwise. */
  text: Buffer | null;
  /** The text body was longer than TEXT_LIMIT: `text` is its start, and the rest was not read. */
  truncated: boolean;
}

/** Where an exchange stands while it runs: `sentAt` is null until the request is on the socket. */
export interface SendState {
  sentAt: number | null;
  /** When undici read the body's last byte: the moment the latency clock stops (null until then). */
  endedAt?: number | null;
  /** Body bytes received so far, streamed or collected. */
  bytes: number;
}

type LegacyHandler = Dispatcher.DispatchHandler & { onRequestSent(): void };

const defaultMode = (status: number): BodyMode => (status < 300 ? 'stream' : 'text');

export function send(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, hooks: SendHooks, state: SendState): Promise<Exchange> {
  const { now, signal } = hooks;
  return new Promise<Exchange>((resolve, reject) => {
    let abort: ((error?: Error) => void) | null = null;
    let status = 0;
    let headers: Record<string, string | string[]> = {};
    let textParts: Buffer[] | null = null;
    let truncated = false;
    let settled = false;
    const onAbort = () => abort?.(signal!.reason as Error);
    // Body chunks are stamped as they are read and handed on in the loop's check phase, like the
    // end below: every socket already readable is read, and its chunks stamped, before any is parsed.
    const chunks: [Buffer, number][] = [];
    const handOn = () => {
      for (let next = chunks.shift(); next; next = chunks.shift()) hooks.onChunk(next[0], next[1]);
    };
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        handOn();
        return reject(error);
      }
      // The caller's work on an ended exchange (its row, the journal's write) waits for the loop's
      // check phase: every other socket already readable is read, and its clock stamped, first.
      // Run inline, 50 streams ending together stamped the 50th end after 49 rows were written.
      setImmediate(() => {
        handOn();
        resolve({ status, headers, text: textParts ? Buffer.concat(textParts) : null, truncated });
      });
    };
    const handler: LegacyHandler = {
      onConnect(abortFn) {
        abort = abortFn;
        // Aborted while waiting for a connection: undici calls onError with this reason.
        if (signal?.aborted) abortFn(signal.reason as Error);
      },
      onRequestSent() {
        state.sentAt = now();
        hooks.onSent?.();
      },
      onHeaders(code, raw) {
        if (code < 200) return true;
        status = code;
        headers = parseRawHeaders(raw);
        if ((hooks.onHeaders ?? defaultMode)(code, headers) === 'text') textParts = [];
        return true;
      },
      onData(chunk) {
        state.bytes += chunk.length;
        if (!textParts) {
          if (chunks.push([chunk, now()]) === 1) setImmediate(handOn);
          return true;
        }
        const room = (hooks.textLimit ?? TEXT_LIMIT) - (state.bytes - chunk.length);
        if (room >= chunk.length) {
          textParts.push(chunk);
          return true;
        }
        // Enough to say what arrived: settle with it and drop the connection, not the rest.
        textParts.push(chunk.subarray(0, Math.max(0, room)));
        truncated = true;
        finish(null);
        abort?.(new Error('text body past TEXT_LIMIT'));
        return false;
      },
      onComplete() {
        state.endedAt = now();
        finish(null);
      },
      onError(error) {
        finish(error);
      },
    };
    if (signal?.aborted) return finish(signal.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    dispatcher.dispatch(options, handler);
  });
}

/** undici's raw headers: [name, value, name, value, ...] as Buffers. */
export function parseRawHeaders(raw: Buffer[] | string[] | null): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!raw) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString().toLowerCase();
    const value = raw[i + 1]!.toString();
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
