// Logging, and the one redaction of secrets (gateways echo request headers): on server text entering a row, and every log line.
import type { Writer } from './env.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  readonly level: LogLevel;
  enabled(level: LogLevel): boolean;
}

export function createLogger(out: Writer, level: LogLevel, secrets: (string | null | undefined)[] = []): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const redact = redactor(secrets);
  const enabled = (at: LogLevel) => LOG_LEVELS.indexOf(at) <= rank;
  const emit = (at: LogLevel) => (message: string) => {
    if (enabled(at)) out.write(`${at === 'info' ? '' : `${at}: `}${redact(message)}\n`);
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug'), level, enabled };
}

export const silentLogger: Logger = createLogger({ write: () => {}, isTTY: false }, 'error');


export type Redact = (text: string) => string;

const MARK = '[REDACTED]';
/** The value of a credential header, as `Name: value`, `"name":"value"`, `name=value` or escaped JSON. */
const HEADER = /\b((?:proxy-)?authorization|x-api-key|api[-_]key)(\\?["']?\s*[:=]\s*\[?\s*\\?["']?)(?!REDACTED\])([^\s"'\\[\],;&}][^"'\\\r\n,;&}\]]*)/gi;
/** An RFC 6750 bearer token anywhere in prose; 8+ characters, so "Bearer token missing" stays. */
const BEARER = /\b(bearer)\s+[A-Za-z0-9._~+/-]{8,}=*/gi;
/** `scheme://user:password@` (or `scheme://token@`) in a URL. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']+@/gi;

/** Replaces each given secret (8+ characters) and anything that looks like a credential. */
export function redactor(secrets: readonly (string | null | undefined)[]): Redact {
  const only = secretsOnly(secrets);
  return (text) => only(text.replace(HEADER, `$1$2${MARK}`).replace(BEARER, `$1 ${MARK}`).replace(URL_CREDENTIALS, `$1${MARK}@`));
}

/** For model output: `Authorization: Bearer ${token}` in a code answer is the answer, not a leak; the key itself is. */
export function secretsOnly(secrets: readonly (string | null | undefined)[]): Redact {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  if (list.length === 0) return (text) => text;
  return (text) => {
    for (const secret of list) if (text.includes(secret)) text = text.split(secret).join(MARK);
    return text;
  };
}

/** The patterns alone, for text that no known secret reaches (a URL from the config, a proxy). */
export const redact: Redact = redactor([]);
