import { onAbort } from './on-abort.js';

/** Resolves true after `ms`, or false at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      forget?.();
      resolve(value);
    };
    const timer = setTimeout(() => done(true), ms);
    const forget = signal ? onAbort(signal, () => done(false)) : null;
  });
}
