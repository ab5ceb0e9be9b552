// Pure: the JSON error replies OpenRouter sends before a stream starts (wire reference §5),
// with the statuses, messages and headers a client has to classify.
import type { Fault } from './directive.js';

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonError(code: number, message: string, metadata?: Record<string, unknown>, extra?: Record<string, unknown>): string {
  return JSON.stringify({ error: metadata ? { code, message, metadata } : { code, message }, ...extra });
}

const SERVER_MESSAGES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Your chosen model is down or we received an invalid response from it',
  503: 'No available model provider that meets your routing requirements',
  524: 'Provider timed out',
  529: 'Provider returned error',
};

export interface FaultContext {
  model: string;
  provider: string;
  maxTokens: number | null;
  /** Epoch ms, for X-RateLimit-Reset. */
  now: number;
}

/** The reply for a fault that fails before streaming; null for the kinds that shape a stream. */
export function faultReply(fault: Fault, ctx: FaultContext): ErrorReply | null {
  const headers: Record<string, string> = {};
  if (fault.retry_after !== null) headers['retry-after'] = String(fault.retry_after);
  // An HTTP date has whole seconds: round up, so a client that honours it waits at least S.
  if (fault.retry_after_date !== null) headers['retry-after'] = new Date(Math.ceil((ctx.now + fault.retry_after_date * 1000) / 1000) * 1000).toUTCString();
  switch (fault.kind) {
    case 'rate_limit': {
      if (fault.reset_ms !== null) {
        // OpenRouter's own limit (free-model caps): rate-limit headers, reset in epoch ms.
        const limits = { 'X-RateLimit-Limit': '20', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.round(ctx.now + fault.reset_ms)) };
        Object.assign(headers, Object.fromEntries(Object.entries(limits).map(([k, v]) => [k.toLowerCase(), v])));
        return { status: 429, headers, body: jsonError(429, 'Rate limit exceeded: free-models-per-min.', { headers: limits }) };
      }
      const raw = `${ctx.model} is temporarily rate-limited upstream. Please retry shortly.`;
      return { status: 429, headers, body: jsonError(429, 'Provider returned error', { provider_name: ctx.provider, raw }, { user_id: 'user_mock' }) };
    }
    case 'server': {
      const status = fault.status ?? 500;
      const message = SERVER_MESSAGES[status] ?? 'Upstream error';
      return { status, headers, body: jsonError(status, message, { error_type: status === 500 ? 'server' : 'provider_error' }) };
    }
    case 'auth':
      return { status: 401, headers, body: jsonError(401, 'User not found.') };
    case 'credits': {
      const asked = ctx.maxTokens ?? 16384;
      const message = `This request requires more credits, or fewer max_tokens. You requested up to ${asked} tokens, but can only afford ${Math.floor(asked / 4)}. To increase, visit https://openrouter.ai/settings/credits and add more credits`;
      return { status: 402, headers, body: jsonError(402, message) };
    }
    case 'bad_request':
      return { status: 400, headers, body: jsonError(400, 'Provider returned error', { provider_name: ctx.provider, raw: 'Invalid request (simulated bad_request fault)' }) };
    default:
      return null;
  }
}
