// The world, injected: nothing below cli/main.ts touches process.stdout, process.env or the wall clock.
import { performance } from 'node:perf_hooks';

export interface Writer {
  write(text: string): void;
  /** True when this is an interactive terminal (progress spinners only then). */
  isTTY: boolean;
}

export interface Env {
  stdout: Writer;
  stderr: Writer;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Monotonic milliseconds, for durations. */
  now: () => number;
  /** Wall-clock time, for timestamps. */
  date: () => Date;
  /** Aborts in-flight work (second Ctrl-C). */
  signal?: AbortSignal;
  /** Stops dispatching new jobs (first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** Asks a yes/no question on the terminal; absent when nobody is there to answer (not a TTY). */
  confirm?: (question: string) => Promise<boolean>;
}

export function processEnv(): Env {
  return {
    stdout: { write: (text) => void process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) },
    env: process.env,
    cwd: process.cwd(),
    now: () => performance.now(),
    date: () => new Date(),
    ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm: askOnTerminal } : {}),
  };
}

/** y or yes (any case) is yes; anything else, an empty line included, is no. */
async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^\s*y(es)?\s*$/i.test(await rl.question(question));
  } finally {
    rl.close();
  }
}

export function memoryEnv(overrides: Partial<Env> = {}): Env & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text) => void (out += text), isTTY: false },
    stderr: { write: (text) => void (err += text), isTTY: false },
    env: {},
    cwd: process.cwd(),
    now: () => performance.now(),
    date: () => new Date(),
    ...overrides,
    out: () => out,
    err: () => err,
  };
}
