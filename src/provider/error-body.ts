// Non-2xx responses → ApiError and an ErrorKind. Pure. OpenRouter's body is
// `{error:{code,message,metadata}}` (wire §5.1), but availability errors drop `code` for
// `error_type`/`http_status`, and a proxy or load balancer in front may answer with HTML or
// nothing at all, so every shape falls back to the HTTP status.
import type { ApiError } from './wire.js';
import type { ErrorKind } from '../types/result.js';

/** How much of a non-JSON body the message quotes: enough to recognise the page. */
const EXCERPT = 160;

const REASONS: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  524: 'A Timeout Occurred',
  529: 'Provider Overloaded',
};

/** The status table of wire §5.2; what each kind means for retries is job.ts's business. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'credits';
  if (status === 429) return 'rate_limit';
  if (status === 408 || status >= 500) return 'server';
  // A redirect is an address to fix (classify.ts says which), never a transient fault.
  if (status >= 300) return 'bad_request';
  // 1xx reaching here means something between us and the API misbehaved.
  return 'server';
}

export function parseErrorBody(status: number, bodyText: string): ApiError {
  const json = tryJson(bodyText);
  const error = isRecord(json) ? json.error : undefined;
  if (isRecord(error)) return fromErrorObject(status, error);
  // `{"error":"text"}` and `{"message":"text"}` are what generic gateways send.
  if (typeof error === 'string' && error.trim() !== '') return { code: status, message: error.trim(), metadata: null };
  if (isRecord(json) && typeof json.message === 'string' && json.message.trim() !== '') {
    return { code: status, message: json.message.trim(), metadata: null };
  }
  const excerpt = textExcerpt(bodyText);
  return { code: status, message: excerpt ? `${statusLine(status)}: ${excerpt}` : statusLine(status), metadata: null };
}

function fromErrorObject(status: number, error: Record<string, unknown>): ApiError {
  const code = typeof error.code === 'number' ? error.code : typeof error.http_status === 'number' ? error.http_status : status;
  const metadata: Record<string, unknown> = isRecord(error.metadata) ? { ...error.metadata } : {};
  // Typed fields of newer errors are kept next to the provider's detail, never in place of it.
  if (typeof error.code === 'string') metadata.code = error.code;
  if (typeof error.error_type === 'string') metadata.error_type ??= error.error_type;
  if (isRecord(error.availability)) metadata.availability = error.availability;
  const message =
    typeof error.message === 'string' && error.message.trim() !== ''
      ? error.message.trim()
      : typeof error.error_type === 'string'
        ? `${statusLine(status)} (${error.error_type})`
        : statusLine(status);
  return { code, message, metadata: Object.keys(metadata).length > 0 ? metadata : null };
}

export function statusLine(status: number): string {
  const reason = REASONS[status];
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`;
}

/** Visible text of an HTML error page (or the raw text), whitespace collapsed, cut short. */
export function textExcerpt(body: string): string {
  // Bounded first: the regexes below must not chew through a multi-megabyte page.
  const text = body
    .slice(0, 16_384)
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
}

export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
