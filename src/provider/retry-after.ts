// Server-advised waits. `Retry-After` is seconds or an HTTP date (RFC 9110 §10.2.3);
// OpenRouter's own 429s carry `X-RateLimit-Reset` in epoch milliseconds (wire reference §5.3).

type HeaderValue = string | string[] | undefined;

/** IMF-fixdate and the two obsolete forms (RFC 9110 §5.6.7) all name a weekday first. */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i;

/** Milliseconds to wait from `nowEpochMs`, or null when the server gave no advice. */
export function retryAfterMs(headers: Record<string, HeaderValue>, nowEpochMs: number): number | null {
  const retryAfter = first(headers['retry-after']);
  if (retryAfter !== undefined) {
    const trimmed = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
    // Only an HTTP date is a date: Date.parse reads "-5" as the year -5, which made a garbage
    // value mean "retry now" and removed the back-off. Negative or garbage = no advice.
    const date = HTTP_DATE.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
    if (!Number.isNaN(date)) return Math.max(0, date - nowEpochMs);
  }
  const reset = first(headers['x-ratelimit-reset']);
  if (reset !== undefined && /^\d+$/.test(reset.trim())) {
    const value = Number(reset.trim());
    // Epoch seconds are ~1.7e9, epoch milliseconds ~1.7e12: accept both.
    const epochMs = value < 1e11 ? value * 1000 : value;
    return Math.max(0, epochMs - nowEpochMs);
  }
  return null;
}

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * OpenRouter also echoes its rate-limit headers in the error body, `error.metadata.headers`
 * (wire reference §5.3); read them when the response headers gave no advice.
 */
export function retryAfterFromMetadata(metadata: Record<string, unknown> | null, nowEpochMs: number): number | null {
  const headers = metadata?.headers;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return null;
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' || typeof value === 'number') lower[name.toLowerCase()] = String(value);
  }
  return retryAfterMs(lower, nowEpochMs);
}
