#!/usr/bin/env node
// The command line: commander → Env → command → exit code. The only file that reads
// process.argv or sets process.exitCode. Commands are imported lazily so `--version` and
// `--help` start instantly.
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, Option } from 'commander';
import { processEnv, type Env } from './env.js';
import { EXIT, isAgentLabError } from './errors.js';
import { LOG_LEVELS } from './log.js';
import { redactor } from './redact.js';
import { above0, gatesOf, int, list, num, param, rate, shard } from './cli/parsers.js';
import type { Params } from './types/job.js';
import { VERSION } from './version.js';

const program = new Command('agent-lab')
  .description('Benchmark LLMs through OpenRouter or any OpenAI-compatible endpoint: TTFT, latency, tokens/s, native tokens and cost.')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  // Usage errors exit 2 (like config errors), not commander's default 1, which means "jobs failed".
  .exitOverride();

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
  .option('--no-preflight', 'do not check the models and params against /models first')
  .option('--strict-params', 'a param a model does not list is an error (and provider.require_parameters: true is sent)')
  .option('--dry-run', 'print the plan (matrix, estimated tokens and cost range) and send nothing')
  .option('--expect-tokens <n>', 'expected completion tokens per job, for the low cost estimate (default 256)', int('expect-tokens'))
  .option('--json', 'with --dry-run: the plan as JSON')
  .option('--baseline <dir>', 'at the end, compare with this run folder (or summary.json); writes compare.md')
  .option('--fail-on <rules>', 'with --baseline: exit 3 on a significant change past these, e.g. "pass_rate<-5pp,cost>+10%"')
  .option('--history <file>', 'append this run to <file> (default: <output_dir>/history.jsonl)')
  .option('--no-history', 'do not append this run to the history file')
  .option('--min-pass-rate <r>', 'gate: exit 3 unless every model × system prompt passes this share of its checked jobs (0–1)', rate('min-pass-rate'))
  .option('--max-total-cost <usd>', 'gate: exit 3 if the run costs more than this (USD)', above0('max-total-cost'))
  .option('--max-p95-latency-ms <ms>', 'gate: exit 3 if any model × system prompt has a p95 latency above this', above0('max-p95-latency-ms'))
  .option('--junit <file>', 'also write a JUnit XML report (one testcase per job, failed checks as failures)')
  .option('--shard <i/n>', 'run only slice i of n of the matrix (by job_id); combine the shards with `agent-lab merge`', shard)
  .option('-v, --verbose', 'debug logging (same as --log-level debug)')
  .addOption(new Option('--log-level <level>', 'log level on stderr').choices(LOG_LEVELS))
  .action(async (suite: string, opts: Record<string, unknown>) => {
    const params: Params = { ...((opts.param as Params) ?? {}) };
    if (opts.temperature !== undefined) params.temperature = opts.temperature;
    if (opts.maxTokens !== undefined) params.max_tokens = opts.maxTokens;
    if (opts.seed !== undefined) params.seed = opts.seed;
    const env = withSignals(processEnv());
    batchHeap();
    const { runSuite } = await import('./run/index.js');
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
        preflight: opts.preflight !== false,
        strictParams: Boolean(opts.strictParams),
        dryRun: Boolean(opts.dryRun),
        expectTokens: opts.expectTokens as number | undefined,
        json: Boolean(opts.json),
        baseline: opts.baseline as string | undefined,
        failOn: opts.failOn as string | undefined,
        history: opts.history as string | false | undefined,
        gates: gatesOf(opts),
        junit: opts.junit as string | undefined,
        shard: opts.shard as { index: number; count: number } | undefined,
      },
      env,
    );
    process.exitCode = report.exitCode;
  });

program
  .command('plan')
  .description('What a run would send and cost: matrix size, estimated prompt tokens, cost range. Sends no chat request.')
  .argument('<suite>', 'suite YAML file')
  .option('--mock', 'price against the built-in simulator\'s model list')
  .option('-c, --config <file>', 'config file (default: ./agent-lab.config.yaml if present)')
  .option('--base-url <url>', 'API base URL (default: https://openrouter.ai/api/v1, env OPENROUTER_BASE_URL)')
  .option('--models <ids>', 'only these models (comma-separated)', list)
  .option('--tasks <ids>', 'only these tasks (comma-separated)', list)
  .option('--prompts <ids>', 'only these system prompts (comma-separated)', list)
  .option('--max-tokens <n>', 'override max_tokens', int('max-tokens'))
  .option('--param <key=value>', 'override any request field (repeatable; value is JSON)', param)
  .option('--strict-params', 'a param a model does not list is an error')
  .option('--max-cost <usd>', 'show how the worst case compares with this cap (USD)', num('max-cost'))
  .option('--expect-tokens <n>', 'expected completion tokens per job, for the low estimate (default 256)', int('expect-tokens'))
  .option('--json', 'the plan as JSON')
  .action(async (suite: string, opts: Record<string, unknown>) => {
    const params: Params = { ...((opts.param as Params) ?? {}) };
    if (opts.maxTokens !== undefined) params.max_tokens = opts.maxTokens;
    const { runSuite } = await import('./run/index.js');
    const report = await runSuite(
      {
        suitePath: suite,
        configPath: opts.config as string | undefined,
        mock: Boolean(opts.mock),
        baseUrl: opts.baseUrl as string | undefined,
        filter: { models: opts.models as string[], tasks: opts.tasks as string[], prompts: opts.prompts as string[] },
        params,
        strictParams: Boolean(opts.strictParams),
        maxCost: opts.maxCost as number | undefined,
        dryRun: true,
        expectTokens: opts.expectTokens as number | undefined,
        json: Boolean(opts.json),
      },
      processEnv(),
    );
    process.exitCode = report.exitCode;
  });

program
  .command('models')
  .description('List the models of the endpoint (GET /models), filtered and sorted; or show one in full.')
  .argument('[id]', 'show this model (id or canonical slug) in full')
  .option('--search <text>', 'every word must occur in the id, name or canonical slug')
  .option('--free', 'only free models')
  .option('--supports <names>', 'only models supporting all of these (reasoning, tools, structured_outputs, or any parameter)')
  .option('--max-price <in/out>', 'max USD per million tokens, input/output (e.g. 1/4, /10, 0.5/)')
  .option('--min-context <n>', 'only models with at least this context length', int('min-context'))
  .addOption(new Option('--sort <key>', 'sort order').choices(['price', 'context', 'name', 'newest']))
  .option('--json', 'JSON for scripts')
  .option('--csv', 'CSV for scripts')
  .option('--refresh', 'ignore the 5-minute disk cache')
  .option('--mock', 'list the built-in simulator\'s models')
  .option('-c, --config <file>', 'config file (for base_url)')
  .option('--base-url <url>', 'API base URL (default: https://openrouter.ai/api/v1, env OPENROUTER_BASE_URL)')
  .action(async (id: string | undefined, opts: Record<string, unknown>) => {
    const { modelsCommand } = await import('./models/command.js');
    process.exitCode = await modelsCommand(id, opts as Parameters<typeof modelsCommand>[1], processEnv());
  });

program
  .command('resume')
  .description('Continue a stopped, interrupted or killed run: same suite, filters and options (from <dir>/run.json).')
  .argument('<dir>', 'the run folder (holds run.json and results.jsonl)')
  .option('--retry-errors', 'run failed jobs again too')
  .option('--force', 'accept a suite that changed since the run')
  .option('--base-url <url>', 'API base URL (default: as the run had it)')
  .option('-j, --concurrency <n>', 'requests in flight at once (default: as the run had it)', int('concurrency'))
  .option('--max-cost <usd>', 'stop before spending more than this (USD)', num('max-cost'))
  .option('-v, --verbose', 'debug logging (same as --log-level debug)')
  .addOption(new Option('--log-level <level>', 'log level on stderr').choices(LOG_LEVELS))
  .action(async (dir: string, opts: Record<string, unknown>) => {
    const env = withSignals(processEnv());
    batchHeap();
    const [{ resumeOptions }, { runSuite }] = await Promise.all([import('./run/resume.js'), import('./run/index.js')]);
    const options = await resumeOptions(
      dir,
      {
        retryErrors: Boolean(opts.retryErrors),
        force: Boolean(opts.force),
        baseUrl: opts.baseUrl as string | undefined,
        concurrency: opts.concurrency as number | undefined,
        maxCost: opts.maxCost as number | undefined,
        logLevel: opts.verbose ? 'debug' : (opts.logLevel as 'info' | undefined),
      },
      env.cwd,
    );
    process.exitCode = (await runSuite(options, env)).exitCode;
  });

program
  .command('merge')
  .description('Combine the run folders of the shards of one suite (`run --shard i/n`) into one; checks they cover the matrix exactly once.')
  .argument('<dirs...>', 'the shard run folders')
  .requiredOption('-o, --out <dir>', 'write the merged run here')
  .option('--min-pass-rate <r>', 'gate on the merged results, as on `run`', rate('min-pass-rate'))
  .option('--max-total-cost <usd>', 'gate on the merged results, as on `run`', above0('max-total-cost'))
  .option('--max-p95-latency-ms <ms>', 'gate on the merged results, as on `run`', above0('max-p95-latency-ms'))
  .option('--junit <file>', 'also write a JUnit XML report of the merged results')
  .action(async (dirs: string[], opts: Record<string, unknown>) => {
    const { mergeCommand } = await import('./ci/merge.js');
    const env = processEnv();
    process.exitCode = await mergeCommand({ dirs, out: opts.out as string, gates: gatesOf(opts), junit: opts.junit as string | undefined }, env);
  });

program
  .command('compare')
  .description('Compare two runs per model × system prompt: pass rate, latency, TTFT, tokens, cost, error rate, with significance.')
  .argument('<baseline>', 'baseline run folder (or its summary.json)')
  .argument('<current>', 'current run folder (or its summary.json)')
  .option('--fail-on <rules>', 'exit 3 on a significant change past these, e.g. "pass_rate<-5pp,cost>+10%,p95_latency>+20%"')
  .option('--out <file>', 'write compare.md here (default: inside <current>)')
  .option('--json', 'print the comparison as JSON')
  .action(async (baseline: string, current: string, opts: Record<string, unknown>) => {
    const { runCompareCommand } = await import('./compare/command.js');
    process.exitCode = await runCompareCommand({ baseline, current, failOn: opts.failOn as string | undefined, out: opts.out as string | undefined, json: Boolean(opts.json) }, processEnv());
  });

program
  .command('history')
  .description('The trend of past runs from the history file: cost, latency, pass rate per model × system prompt.')
  .option('--history <file>', 'the history file (default: <output_dir>/history.jsonl)')
  .option('-c, --config <file>', 'config file (for output_dir)')
  .option('--suite <name>', 'only this suite')
  .option('--model <id>', 'only this model (slug or label)')
  .option('--since <date>', 'only runs finished at or after this date/time (e.g. 2026-11-01)')
  .option('--json', 'the entries as JSON')
  .option('--html <file>', 'write a self-contained trend page (charts) to <file>')
  .action(async (opts: Record<string, unknown>) => {
    const { runHistoryCommand } = await import('./history/command.js');
    process.exitCode = await runHistoryCommand(
      {
        history: opts.history as string | undefined,
        configPath: opts.config as string | undefined,
        suite: opts.suite as string | undefined,
        model: opts.model as string | undefined,
        since: opts.since as string | undefined,
        json: Boolean(opts.json),
        html: opts.html as string | undefined,
      },
      processEnv(),
    );
  });

program
  .command('report')
  .description('Rebuild report.html in a run folder from its summary.json and results.jsonl.')
  .argument('<dir>', 'the run folder')
  .action(async (dir: string) => {
    const { runReportCommand } = await import('./cli/report.js');
    process.exitCode = await runReportCommand({ dir }, processEnv());
  });

program
  .command('mock-server')
  .description('Start the built-in OpenRouter-compatible simulator on loopback.')
  .option('-p, --port <n>', 'port (default: a free one)', Number)
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

/**
 * A run makes garbage at a steady rate for as long as it lasts; V8's default lets the heap grow to
 * about 4× what is live before a full collection, which made a 100,000-job run peak at 260 MB with
 * some 60 MB live. Growing by 60 % instead costs ~9 % more CPU (0.03 ms a job) and keeps the peak
 * near what the run holds (bench memory scenario, docs/performance.md).
 */
function batchHeap(): void {
  setFlagsFromString('--heap-growing-percent=60');
}

/** A second SIGINT sooner than this after the first is the same one, delivered twice. */
const DUPLICATE_SIGINT_MS = 100;

/** First Ctrl-C: stop dispatching and let in-flight jobs finish (aborted after a grace). Second: abort now. */
function withSignals(env: Env): Env {
  const stop = new AbortController();
  const abort = new AbortController();
  const graceMs = Number(env.env.AGENT_LAB_GRACE_MS ?? 10_000);
  let firstAt = 0;
  process.on('SIGINT', () => {
    if (!stop.signal.aborted) {
      firstAt = performance.now();
      process.stderr.write(`\nStopping: no new jobs; waiting up to ${Math.round(graceMs / 1000)} s for the ones in flight (Ctrl-C again to abort them now).\n`);
      stop.abort();
      setTimeout(() => abort.abort(), graceMs).unref();
    } else if (performance.now() - firstAt >= DUPLICATE_SIGINT_MS) {
      // A sooner one is the same Ctrl-C delivered twice (`timeout -s INT` signals its child, then
      // its whole process group, which holds the child too); nobody presses twice that fast.
      process.stderr.write('\nAborting in-flight jobs; writing what finished.\n');
      abort.abort();
    }
  });
  // SIGTERM is how cron, CI cancels, systemd and `docker stop` end a run, with a SIGKILL soon
  // after: no grace, abort in flight at once, but still flush and write the reports.
  process.on('SIGTERM', () => {
    process.stderr.write('\nTerminated: aborting in-flight jobs; writing what finished.\n');
    stop.abort();
    abort.abort();
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
