// Leveled logging to stderr. Every line passes through the one redaction (redact.ts), so a
// secret that reaches a message by any path (an echoed header, an error from a library) is
// never written.
import type { Writer } from './env.js';
import { redactor } from './redact.js';

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
