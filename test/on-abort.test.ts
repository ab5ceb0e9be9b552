// provider/on-abort.ts: one listener on a shared signal, fanned out. What each waiter sees must be
// what its own addEventListener would have given it.
import { describe, expect, it } from 'vitest';
import { onAbort } from '../src/provider/on-abort.js';

describe('onAbort', () => {
  it('calls every waiter once, not the ones that left, and adds one listener for all', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    let added = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      add(...args);
    }) as typeof add;
    const forgets = ['a', 'b', 'c'].map((name) => onAbort(controller.signal, () => calls.push(name)));
    forgets[1]!();
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['a', 'c']);
    expect(added).toBe(1);
  });

  it('a waiter added after the abort is not called (callers check `aborted` first, as with addEventListener)', () => {
    const controller = new AbortController();
    controller.abort();
    let called = false;
    onAbort(controller.signal, () => (called = true));
    expect(called).toBe(false);
  });
});
