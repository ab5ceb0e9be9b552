// undici's own connect timeout runs on its coarse "fast timers" (≈0.5–1 s late: a 500 ms
// setting fired after 1 s in test/client.test.ts). connect_ms is documented and tested to
// ±10 %, so the timer here is a plain setTimeout around undici's connector.
import type { buildConnector as BuildConnector } from 'undici';
import { buildConnector, errors } from './undici.js';

export function preciseConnector(timeoutMs: number): BuildConnector.connector {
  const connect = buildConnector({ timeout: 0 });
  return (options, callback) => {
    let settled = false;
    let socket: { destroy(): void } | undefined;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket?.destroy();
      callback(new errors.ConnectTimeoutError(`Connect Timeout Error (attempted address: ${options.hostname}:${options.port}, timeout: ${timeoutMs}ms)`), null);
    }, timeoutMs);
    // buildConnector's function returns the socket although its type says void.
    socket = (connect as unknown as (o: typeof options, cb: BuildConnector.Callback) => { destroy(): void } | undefined)(options, (...args) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      callback(...args);
    });
  };
}
