// The chat pool's connections, opened before the first request: while /models and the preflight
// run, not inside the first wave. Fifty cold connects at once on two cores were most of the
// first wave's clock error (docs/performance.md): each one cost both processes CPU in the very
// milliseconds the first requests were being timed. Nothing is sent on them here.
import type { buildConnector as BuildConnector } from 'undici';
import type { Socket } from 'node:net';
import { preciseConnector } from './connector.js';

export interface SocketStock {
  /** A connector for the Pool: a stocked connection while there is one, else a fresh connect. */
  connector: BuildConnector.connector;
  /** Close the connections nobody took (the run ended early, or had fewer jobs than connections). */
  close(): void;
}

interface Entry {
  socket: Socket | null;
  error: Error | null;
  done: boolean;
  /** The Pool's callback, when it asked before the connect finished. */
  taker: BuildConnector.Callback | null;
  taken: boolean;
}

const noop = () => {};

/** `count` connections to the endpoint, opened as the chat pool would open them (connect_ms and all). */
export function preconnect(baseUrl: string, count: number, connectMs: number): SocketStock {
  return stockSockets(new URL(baseUrl), count, preciseConnector(connectMs));
}

/** Opens `count` connections to `origin` with `connect` at once. */
export function stockSockets(origin: URL, count: number, connect: BuildConnector.connector): SocketStock {
  const entries: Entry[] = [];
  let closed = false;
  const options = { protocol: origin.protocol, hostname: origin.hostname, host: origin.host, port: origin.port, servername: null, localAddress: null };
  for (let i = 0; i < count; i++) {
    const entry: Entry = { socket: null, error: null, done: false, taker: null, taken: false };
    entries.push(entry);
    connect(options as unknown as BuildConnector.Options, (error, socket) => {
      entry.done = true;
      entry.error = error;
      entry.socket = socket as Socket | null;
      if (entry.taker) return hand(entry, entry.taker);
      if (closed || !entry.socket) return void entry.socket?.destroy();
      // Unclaimed: it must neither keep a failing command alive nor crash it with an error event.
      entry.socket.unref().on('error', noop);
    });
  }
  const live = (entry: Entry) => entry.error === null && entry.socket !== null && !entry.socket.destroyed && entry.socket.readyState === 'open';
  function hand(entry: Entry, callback: BuildConnector.Callback) {
    if (entry.error || !entry.socket) return callback(entry.error ?? new Error('connect failed'), null);
    entry.socket.off('error', noop).ref();
    (callback as (error: null, socket: Socket) => void)(null, entry.socket);
  }
  return {
    connector(opts, callback) {
      const entry = entries.find((e) => !e.taken && (!e.done || live(e)));
      if (!entry) return connect(opts, callback);
      entry.taken = true;
      // Never synchronously: undici asks from inside its own resume loop, which ignores a nested resume.
      if (entry.done) queueMicrotask(() => hand(entry, callback));
      else entry.taker = callback;
    },
    close() {
      closed = true;
      for (const entry of entries) if (!entry.taken) entry.socket?.destroy();
    },
  };
}
