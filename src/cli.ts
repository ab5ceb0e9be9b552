#!/usr/bin/env node
// The command line: commander → Env → command → exit code. The only file that reads
// process.argv or sets process.exitCode. Commands are imported lazily so `--version` and
// `--help` start instantly.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { processEnv, type Env } from './env.js';
import { EXIT, isAgentLabError } from './errors.js';
import { redactor } from './log.js';
import type { Params } from './types.js';
import { VERSION } from './version.js';

const program = new Command('agent-lab')
  .description('Benchmark LLMs through OpenRouter or any OpenAI-compatible endpoint: TTFT, latency, tokens/s, native tokens and cost.')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  // Usage errors exit 2 (like config errors), not commander's default 1, which means "jobs failed".
  .exitOverride();

const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`Expected \`${name}\` to be a whole number from 1 and up`);
  return n;
};
const num = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`Expected \`${name}\` to be a number`);
  return n;
};
const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
const param = (value: string, previous: Params = {}) => {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('Expected `--param` as key=value (value is JSON, or a plain string)');
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // a plain string
  }
  return { ...previous, [value.slice(0, eq)]: parsed };
};

program
  .command('run')
  .description('Run a suite: tasks × models × system prompts × repeats.')
  .argument('<suite>', 'suite YAML file')
  .option('--mock', 'run against the built-in OpenRouter simulator (no key, no network)')
  .option('-c, --config <file>', 'config file (default: ./agent-lab.config.yaml if present)')
  .option('-o, --out <dir>', 'write results exactly here (default: results/<suite>/<UTC time>/)')
  .option('--base-url <url>', 'API base URL (default: https://openrouter.ai/api/v1, env OPENROUTER_BASE_URL)')
  .option('-j, --concurrency <n>', 'requests in flight at once', int('concurrency'))
  .option('--models <ids>', 'only these models (comma-separated)', list)
  .option('--tasks <ids>', 'only these tasks (comma-separated)', list)
  .option('--prompts <ids>', 'only these system prompts (comma-separated)', list)
  .option('--temperature <t>', 'override temperature', num('temperature'))
  .option('--max-tokens <n>', 'override max_tokens', int('max-tokens'))
  .option('--seed <n>', 'override seed', num('seed'))
  .option('--param <key=value>', 'override any request field (repeatable; value is JSON)', param)
  .option('--save-responses', 'also write one Markdown file per job to responses/')
  .option('--resume <dir>', 'continue the run in <dir>: skip finished jobs, append, rewrite reports')
  .option('--retry-errors', 'with --resume: run failed jobs again too')
  .option('--force', 'with --resume: accept a suite that changed since the run')
  .option('--max-cost <usd>', 'stop before spending more than this (USD)', num('max-cost'))
  .option('-v, --verbose', 'debug logging (same as --log-level debug)')
  .addOption(new Option('--log-level <level>', 'log level on stderr').choices(['error', 'warn', 'info', 'debug']))
  .action(async (suite: string, opts: Record<string, unknown>) => {
    const params: Params = { ...((opts.param as Params) ?? {}) };
    if (opts.temperature !== undefined) params.temperature = opts.temperature;
    if (opts.maxTokens !== undefined) params.max_tokens = opts.maxTokens;
    if (opts.seed !== undefined) params.seed = opts.seed;
    const env = withSignals(processEnv());
    const { runSuite } = await import('./run.js');
    const report = await runSuite(
      {
        suitePath: suite,
        configPath: opts.config as string | undefined,
        out: opts.out as string | undefined,
        mock: Boolean(opts.mock),
        baseUrl: opts.baseUrl as string | undefined,
        concurrency: opts.concurrency as number | undefined,
        filter: { models: opts.models as string[], tasks: opts.tasks as string[], prompts: opts.prompts as string[] },
        params,
        saveResponses: Boolean(opts.saveResponses),
        logLevel: opts.verbose ? 'debug' : (opts.logLevel as 'info' | undefined),
        resume: opts.resume as string | undefined,
        retryErrors: Boolean(opts.retryErrors),
        force: Boolean(opts.force),
        maxCost: opts.maxCost as number | undefined,
      },
      env,
    );
    process.exitCode = report.exitCode;
  });

program
  .command('mock-server')
  .description('Start the built-in OpenRouter-compatible simulator on loopback.')
  .option('-p, --port <n>', 'port (default: a free one)', Number, 0)
  .option('--host <host>', 'host', '127.0.0.1')
  .option('--ttft <ms>', 'time to first token for every model', Number)
  .option('--itl <ms>', 'gap between tokens for every model', Number)
  .option('--tokens <n>', 'completion length', Number)
  .option('--generation-delay <ms>', '/generation answers 404 for this long after a stream', Number)
  .option('--fault <directive>', 'a fault applied to every request, e.g. "rate_limit times=1"')
  .action(async (opts: Record<string, unknown>) => {
    const { startMockServer } = await import('./mock/server.js');
    const server = await startMockServer({
      host: opts.host as string,
      port: opts.port as number,
      ttftMs: opts.ttft as number | undefined,
      itlMs: opts.itl as number | undefined,
      tokens: opts.tokens as number | undefined,
      generationDelayMs: opts.generationDelay as number | undefined,
      fault: opts.fault as string | undefined,
    });
    process.stdout.write(`mock server listening on ${server.url}\n`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

/** First Ctrl-C: stop dispatching and let in-flight jobs finish (aborted after a grace). Second: abort now. */
function withSignals(env: Env): Env {
  const stop = new AbortController();
  const abort = new AbortController();
  const graceMs = Number(env.env.AGENT_LAB_GRACE_MS ?? 10_000);
  process.on('SIGINT', () => {
    if (!stop.signal.aborted) {
      process.stderr.write(`\nStopping: no new jobs; waiting up to ${Math.round(graceMs / 1000)} s for the ones in flight (Ctrl-C again to abort them now).\n`);
      stop.abort();
      setTimeout(() => abort.abort(), graceMs).unref();
    } else {
      process.stderr.write('\nAborting in-flight jobs; writing what finished.\n');
      abort.abort();
    }
  });
  return { ...env, stopSignal: stop.signal, signal: abort.signal };
}

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
