// The simulator's own record of every chat request: the ground truth a benchmark compares its
// measured timings against. Times are epoch ms with sub-ms precision from the monotonic clock,
// so another process on the same machine can compare them with its own clock.
import { performance } from 'node:perf_hooks';
import type { LoggedMessage } from './content.js';

export const now = (): number => performance.timeOrigin + performance.now();

export interface MockRequestLog {
  /** 1-based arrival number; keeps counting across /__mock/reset. */
  seq: number;
  received_at: number;
  /** First byte of the response (headers plus the first comment, or an error body). */
  first_byte_at: number | null;
  /** First reasoning or content token written. */
  first_token_at: number | null;
  /** First content token written. */
  first_content_at: number | null;
  end_at: number | null;
  model: string | null;
  /** Canonical slug of the model that served it (null when no stream started). */
  served_model: string | null;
  provider: string | null;
  body_sha256: string;
  /** How many times this exact body has been received, this one included. */
  attempt: number;
  /** The fault kind that fired on this attempt, or null. */
  fault: string | null;
  /** HTTP status sent; 0 while the body is still arriving. */
  status: number;
  generation_id: string | null;
  /** Tokens emitted (reasoning included); counts only, never the text. */
  completion_tokens: number;
  reasoning_tokens: number;
  /** Whether an Authorization header was present. The key itself is never stored. */
  authorization_present: boolean;
  /** The X-Agent-Lab-Job header, joining this entry to a result row. */
  job: string | null;
  /** The request asked for a stream (`"stream": true`); null until its body is read. */
  stream: boolean | null;
  /** Each message's role and, per text or image part, its sha256 and size (never the text); null until the body is read, or when it was refused before. */
  messages: LoggedMessage[] | null;
}

/**
 * Push onto an array capped at `limit`. The oldest tenth is dropped in one splice when the cap
 * is reached, rather than one shift per request, which would copy the whole array every time.
 */
export function pushBounded<T>(list: T[], item: T, limit: number): void {
  if (list.length >= limit) list.splice(0, Math.max(1, list.length - limit + Math.ceil(limit / 10)));
  list.push(item);
}

/** Same policy for a Map in insertion order. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  if (!map.has(key) && map.size >= limit) {
    let drop = Math.max(1, Math.ceil(limit / 10));
    for (const k of map.keys()) {
      map.delete(k);
      if (--drop === 0) break;
    }
  }
  map.set(key, value);
}
