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
  /** Status line and headers arrived; 1xx responses are skipped. */
  onHeaders?: (status: number) => void;
  /** A body chunk of a 2xx response, with the monotonic time it arrived. */
  onChunk: (chunk: Buffer, at: number) => void;
  /** The request is on the socket: the moment the first-token clock starts. */
  onSent?: () => void;
  /** Aborts the exchange; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface Exchange {
  status: number;
  /** Lower-case names; repeated headers become arrays. */
  headers: Record<string, string | string[]>;
  /** The whole body of a non-2xx response (2xx bodies went to onChunk). */
  errorText: string | null;
}

/** Where an exchange stands while it runs: `sentAt` is null until the request is on the socket. */
export interface SendState {
  sentAt: number | null;
}

type LegacyHandler = Dispatcher.DispatchHandler & { onRequestSent(): void };

export function send(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, hooks: SendHooks, state: SendState): Promise<Exchange> {
  const { now, signal } = hooks;
  return new Promise<Exchange>((resolve, reject) => {
    let abort: ((error?: Error) => void) | null = null;
    let status = 0;
    let headers: Record<string, string | string[]> = {};
    let errorParts: Buffer[] | null = null;
    let settled = false;
    const onAbort = () => abort?.(signal!.reason as Error);
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve({ status, headers, errorText: errorParts ? Buffer.concat(errorParts).toString('utf8') : null });
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
        if (code >= 300) errorParts = [];
        hooks.onHeaders?.(code);
        return true;
      },
      onData(chunk) {
        if (errorParts) errorParts.push(chunk);
        else hooks.onChunk(chunk, now());
        return true;
      },
      onComplete() {
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
