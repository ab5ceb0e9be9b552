// The command line: commander → command → exit code. With cli.ts, the only file that reads
// process.argv or sets process.exitCode. Each command is a file in cli/ that imports its feature lazily, so
// `--version` and `--help` start instantly.
import * as module from 'node:module';
import { Command, CommanderError } from '@commander-js/extra-typings';
import { EXIT, isAgentLabError } from '../errors.js';
import { redactor } from '../log.js';
import { VERSION } from '../version.js';

// Node 22.1+ keeps compiled code between runs (the command's chunk is loaded below, after this);
// Node 20 has no such cache, and this is a no-op there.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const program = new Command('agent-lab')
  .description('Benchmark LLMs through OpenRouter or any OpenAI-compatible endpoint: TTFT, latency, tokens/s, native tokens and cost.')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  // Usage errors exit 2 (like config errors), not commander's default 1, which means "jobs failed".
  .exitOverride();

/** One file a command, in the order `--help` lists them. */
const COMMANDS = [
  ['run', () => import('./run.js')],
  ['plan', () => import('./plan.js')],
  ['models', () => import('./models.js')],
  ['resume', () => import('./resume.js')],
  ['recheck', () => import('./recheck.js')],
  ['merge', () => import('./merge.js')],
  ['compare', () => import('./compare.js')],
  ['history', () => import('./history.js')],
  ['report', () => import('./report.js')],
  ['cache', () => import('./cache.js')],
  ['show', () => import('./show.js')],
  ['mock-server', () => import('./mock-server.js')],
] as const;
// Only the command named is loaded (none for --version): each file costs startup time. The
// help, `help CMD` and a misspelt command's "did you mean" see them all.
const named = process.argv[2];
const one = COMMANDS.filter(([name]) => name === named);
const wanted = one.length ? one : named === '-V' || named === '--version' ? [] : COMMANDS;
const exit = (code: number) => void (process.exitCode = code);
for (const { register } of await Promise.all(wanted.map(([, load]) => load()))) register(program, exit);

/** Values of secret-looking environment variables, so no error message can print them. */
const redact = redactor(Object.entries(process.env).filter(([name]) => /KEY|TOKEN|SECRET|PASSWORD/i.test(name)).map(([, value]) => value));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // commander has printed its message (or the help/version) already.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.config;
  } else if (isAgentLabError(error)) {
    process.stderr.write(`agent-lab: ${redact(error.message)}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`agent-lab: internal error (a bug; please report it):\n${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exitCode = EXIT.internal;
  }
});
