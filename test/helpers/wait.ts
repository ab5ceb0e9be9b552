// Wait for a condition instead of sleeping a guessed time: a fixed sleep races the thing it waits for.

export interface WaitOptions {
  /** Give up after this long, ms (default 10 s). */
  timeout?: number;
  /** Between two looks, ms (default 10). */
  interval?: number;
  /** What is awaited, for the failure message. */
  what?: string;
}

/** Poll `condition` until it returns a truthy value, and return that value. An error it throws ends the wait. */
export async function waitFor<T>(condition: () => T | Promise<T>, { timeout = 10_000, interval = 10, what = 'the condition' }: WaitOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waitFor: ${what} not met within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
