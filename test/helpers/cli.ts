// The built CLI (dist/cli.js) in a child process, as a user runs it. The child sees PATH and what
// the test passes, nothing else of this process's environment: a developer's own
// OPENROUTER_API_KEY or AGENT_LAB_* settings never leak into a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { staleDist } from './dist.js';
import { waitFor, type WaitOptions } from './wait.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliOptions {
  cwd?: string;
  /** Variables added to `{ PATH }`. */
  env?: Record<string, string>;
  /** Written to the child's stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string;
  /** SIGKILL the child after this long, ms (default 60 s; Infinity for a server the test stops itself). */
  timeout?: number;
  /**
   * Run without the capabilities that let root read any file (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH),
   * through util-linux's setpriv: root then meets a file's mode like any user, and the checkout
   * needs no permission for another user (CI clones into root's own folders).
   */
  honourFileModes?: boolean;
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** What the child has written so far. */
  out(): string;
  err(): string;
  /** Resolves when the child has exited and its output is read to the end. */
  exit: Promise<CliExit>;
  /** waitFor `condition`, failing at once (with the child's stderr) if the child exits first. */
  until<T>(condition: () => T | Promise<T>, options?: WaitOptions): Promise<NonNullable<T>>;
}

let checked = false;

/** Start `agent-lab ...args`; for tests that signal or kill it while it runs. */
export function spawnCli(args: string[], options: CliOptions = {}): CliProcess {
  if (!checked) {
    const stale = staleDist();
    if (stale) throw new Error(stale);
    checked = true;
  }
  const command = [process.execPath, CLI, ...args];
  if (options.honourFileModes) command.unshift('setpriv', '--bounding-set=-dac_override,-dac_read_search');
  const child = spawn(command[0]!, command.slice(1), {
    cwd: options.cwd,
    env: { PATH: process.env.PATH!, ...options.env },
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  const timeout = options.timeout ?? 60_000;
  const timer = Number.isFinite(timeout) ? setTimeout(() => child.kill('SIGKILL'), timeout) : undefined;
  const exit = new Promise<CliExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    out: () => stdout,
    err: () => stderr,
    exit,
    until: (condition, wait) =>
      waitFor(async () => {
        if (exited()) throw new Error(`agent-lab ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before ${wait?.what ?? 'the condition'}:\n${stderr}`);
        return condition();
      }, wait),
  };
}

/** Run `agent-lab ...args` to the end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliExit> {
  return spawnCli(args, options).exit;
}
