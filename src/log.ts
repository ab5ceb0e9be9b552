// Leveled logging to stderr. Every line passes through redact(), so a secret that reaches a
// message by any path (an echoed header, an error from a library) is never written.
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

/** Returns a function that replaces every secret (of 8+ chars) with a fixed marker. */
export function redactor(secrets: (string | null | undefined)[]): (text: string) => string {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  if (list.length === 0) return (text) => text;
  return (text) => list.reduce((acc, secret) => acc.split(secret).join('[REDACTED]'), text);
}

export const silentLogger: Logger = createLogger({ write: () => {}, isTTY: false }, 'error');
