// The option groups several commands take, each declared once beside the mapper that turns
// its parsed values into the feature's typed options. extra-typings infers every parsed value's
// type from its declaration, so a mapper that reads a flag its group lacks does not compile.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { CACHE_MODES } from '../cache/mode.js';
import type { Gates } from '../ci/gates.js';
import { LOG_LEVELS } from '../log.js';
import { ARRIVALS } from '../types/summary.js';
import type { CacheOptions, EndpointOptions, ExecOptions, MatrixOptions, MetricsOptions, OutputOptions, ResumeOptions } from '../run/options.js';
import { above0, gate, int, list, num, param, rate, shard, variable, whole0 } from './parsers.js';

/** The parsed options of a command (or of what a group adds to an empty one). */
type OptsOf<C> = C extends Command<unknown[], infer O, OptionValues> ? O : never;
/** Every key of T, each mentioned (an optional one may be undefined): a new field left unmapped does not compile. */
export type Mapped<T> = { [K in keyof Required<T>]: T[K] };

export const baseUrlOption = (help = 'API base URL (default: https://openrouter.ai/api/v1, env OPENROUTER_BASE_URL)') => new Option('--base-url <url>', help);
export const concurrencyOption = (help = 'requests in flight at once') => new Option('-j, --concurrency <n>', help).argParser(int('concurrency'));
export const maxCostOption = (help = 'stop before spending more than this (USD)') => new Option('--max-cost <usd>', help).argParser(num('max-cost'));

/** --mock, --config, --base-url: where requests go (run, plan, models). */
export const withEndpoint = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>, mockHelp: string) =>
  cmd
    .option('--mock', mockHelp)
    .option('-c, --config <file>', 'config file (default: ./agent-lab.config.yaml if present)')
    .addOption(baseUrlOption());
export const endpointOf = (o: OptsOf<ReturnType<typeof withEndpoint<[], {}, {}>>>): Mapped<Omit<EndpointOptions, 'mockOptions'>> => ({
  mock: Boolean(o.mock),
  configPath: o.config,
  baseUrl: o.baseUrl,
});

/** --models, --tasks, --prompts: part of the matrix (run, plan). */
export const withFilter = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--models <ids>', 'only these models (comma-separated)', list)
    .option('--tasks <ids>', 'only these tasks (comma-separated)', list)
    .option('--prompts <ids>', 'only these system prompts (comma-separated)', list);
export const filterOf = (o: OptsOf<ReturnType<typeof withFilter<[], {}, {}>>>): Mapped<Pick<MatrixOptions, 'filter'>> => ({
  filter: { models: o.models, tasks: o.tasks, prompts: o.prompts },
});

/** --var, --limit, --sample: which tasks, rendered with which variables (run, plan). */
export const withSelection = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--var <key=value>', 'a template variable over every other: the suite\'s vars, a dataset entry\'s, a row\'s fields (repeatable)', variable)
    .option('--limit <n>', 'only the first n tasks (after --tasks and --sample)', int('limit'))
    .option('--sample <n>', 'a deterministic random sample of n tasks', int('sample'))
    .option('--sample-seed <s>', 'the seed of --sample (default 1): the same seed picks the same tasks', whole0('sample-seed'));
export const selectionOf = (o: OptsOf<ReturnType<typeof withSelection<[], {}, {}>>>): Mapped<Pick<MatrixOptions, 'vars' | 'limit' | 'sample' | 'sampleSeed'>> => ({
  vars: o.var,
  limit: o.limit,
  sample: o.sample,
  sampleSeed: o.sampleSeed,
});

/** --allow-outside-files: how the suite's files are read (run, plan). */
export const withFiles = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd.option('--allow-outside-files', "let the suite's prompt_file, system prompt and json_schema files point outside its folder");
export const filesOf = (o: OptsOf<ReturnType<typeof withFiles<[], {}, {}>>>): Mapped<Pick<MatrixOptions, 'allowOutsideFiles'>> => ({
  allowOutsideFiles: o.allowOutsideFiles ? true : undefined,
});

/** Request params over the suite's (run, plan). */
export const withParams = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--temperature <t>', 'override temperature', num('temperature'))
    .option('--max-tokens <n>', 'override max_tokens', int('max-tokens'))
    .option('--seed <n>', 'override seed', num('seed'))
    .option('--param <key=value>', 'override any request field (repeatable; value is JSON)', param)
    .option('--strict-params', 'a param a model does not list is an error (and provider.require_parameters: true is sent)');
export const paramsOf = (o: OptsOf<ReturnType<typeof withParams<[], {}, {}>>>): Mapped<Pick<MatrixOptions, 'params' | 'strictParams'>> => ({
  params: {
    ...o.param,
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
    ...(o.maxTokens !== undefined ? { max_tokens: o.maxTokens } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  },
  strictParams: Boolean(o.strictParams),
});

/** --shard, --shard-count: this machine's slice of the matrix (run, plan). */
export const withShard = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--shard <i/n|auto>', 'run only slice i of n of the matrix (by job_id); `auto` reads it from the CI engine or Kubernetes (README "Sharding"); combine the shards with `agent-lab merge`', shard)
    .option('--shard-count <n>', 'with --shard auto in a Kubernetes Indexed Job: how many pods (the Job\'s completions)', int('shard-count'));
export const shardOf = (o: OptsOf<ReturnType<typeof withShard<[], {}, {}>>>): Mapped<Pick<MatrixOptions, 'shard' | 'shardCount'>> => ({
  shard: o.shard,
  shardCount: o.shardCount,
});

/** --no-stream (run, plan): its own group, as the params group's type is at the compiler's limit. */
export const withStream = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd.option('--no-stream', 'send every request without streaming: one JSON answer each (ttft, ttfc and itl are then unknown)');
export const streamOf = (o: OptsOf<ReturnType<typeof withStream<[], {}, {}>>>): Mapped<Pick<MatrixOptions, 'stream'>> => ({
  // commander sets `stream` true unless --no-stream is given: only the flag itself overrides the suite.
  stream: o.stream === false ? false : undefined,
});

/** --cache, --cache-dir, --cache-mode: the response cache (run). */
export const withCache = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--cache', 'answer jobs from the response cache, store new answers (see README "Response cache")')
    .option('--no-cache', 'do not use the response cache, whatever the suite or config says')
    .option('--cache-dir <dir>', 'the response cache folder (default: $AGENT_LAB_CACHE_DIR/responses, else $XDG_CACHE_HOME/agent-lab/responses, else ~/.cache/agent-lab/responses)')
    .addOption(new Option('--cache-mode <mode>', 'read: use hits, store nothing; write: send every job, store answers not yet cached; refresh: send every job, replace their entries (default: read-write)').choices(CACHE_MODES));
export const cacheOf = (o: OptsOf<ReturnType<typeof withCache<[], {}, {}>>>): Mapped<CacheOptions> => ({
  cache: o.cache,
  cacheDir: o.cacheDir,
  cacheMode: o.cacheMode,
});

/** The cost cap and the estimate (run, plan). */
export const withCost = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>, maxCostHelp?: string) =>
  cmd
    .addOption(maxCostOption(maxCostHelp))
    .option('--expect-tokens <n>', 'expected completion tokens per job, for the low cost estimate (default 256)', int('expect-tokens'));
export const costOf = (o: OptsOf<ReturnType<typeof withCost<[], {}, {}>>>): Mapped<Pick<ExecOptions, 'maxCost' | 'expectTokens'>> => ({
  maxCost: o.maxCost,
  expectTokens: o.expectTokens,
});

/** --request-rate, --arrival, --warmup: the load's shape (run). */
export const withLoad = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--request-rate <r>', 'send at most r requests a second (still capped by --concurrency)', above0('request-rate'))
    .addOption(new Option('--arrival <kind>', 'with --request-rate: constant gaps, or poisson (exponential gaps)').choices(ARRIVALS))
    .option('--warmup <n>', 'send n requests first, round the models, and leave them out of every figure (they are paid for)', whole0('warmup'));
export const loadOf = (o: OptsOf<ReturnType<typeof withLoad<[], {}, {}>>>): Mapped<Pick<ExecOptions, 'requestRate' | 'arrival' | 'warmup'>> => ({
  requestRate: o.requestRate,
  arrival: o.arrival,
  warmup: o.warmup,
});

/** Gates and --junit (run, merge): CI's verdict on the results. */
export const withGates = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--min-pass-rate <r>', 'gate: exit 3 unless every model × system prompt passes this share of its checked jobs (0–1)', rate('min-pass-rate'))
    .option('--max-total-cost <usd>', 'gate: exit 3 if the run costs more than this (USD)', above0('max-total-cost'))
    .option('--max-p95-latency-ms <ms>', 'gate: exit 3 if any model × system prompt has a p95 latency above this', above0('max-p95-latency-ms'))
    .option('--gate <key=value>', 'any gate of the suite\'s `gates:` by its key, repeatable, e.g. --gate min_slo_met_rate=0.95 --gate min_pass_hat_k=3:0.8 (README "Gates")', gate, {} as Gates)
    .option('--junit <file>', 'also write a JUnit XML report (one testcase per job, failed checks as failures)');
export const gatesOf = (o: OptsOf<ReturnType<typeof withGates<[], {}, {}>>>): Mapped<Pick<OutputOptions, 'gates' | 'junit'>> => {
  // The named flags win over the same key given with --gate.
  const gates: Gates = { ...o.gate };
  if (o.minPassRate !== undefined) gates.min_pass_rate = o.minPassRate;
  if (o.maxTotalCost !== undefined) gates.max_total_cost = o.maxTotalCost;
  if (o.maxP95LatencyMs !== undefined) gates.max_p95_latency_ms = o.maxP95LatencyMs;
  return { gates, junit: o.junit };
};

/** -v, --log-level (run, resume). */
export const withLog = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd.option('-v, --verbose', 'debug logging (same as --log-level debug)').addOption(new Option('--log-level <level>', 'log level on stderr').choices(LOG_LEVELS));
export const logOf = (o: OptsOf<ReturnType<typeof withLog<[], {}, {}>>>): Mapped<Pick<ExecOptions, 'logLevel'>> => ({
  logLevel: o.verbose ? 'debug' : o.logLevel,
});

/** --retry-errors, --force: how a resumed run treats its folder (run --resume, resume). */
export const withResume = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>, when = '') =>
  cmd.option('--retry-errors', `${when}run failed jobs again too`).option('--force', `${when}accept a suite that changed since the run`);
export const resumeOf = (o: OptsOf<ReturnType<typeof withResume<[], {}, {}>>>): Mapped<Omit<ResumeOptions, 'resume' | 'recheck'>> => ({
  retryErrors: Boolean(o.retryErrors),
  force: Boolean(o.force),
});

/** Where the metrics go (run, history --export): a textfile, a Pushgateway, an OTLP collector. */
export const withMetrics = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--metrics-file <file>', "write Prometheus metrics (text format) to <file>, e.g. for node_exporter's textfile collector (name it *.prom)")
    .option('--pushgateway <url>', 'push the same metrics to this Prometheus Pushgateway (PUT /metrics/job/<job>/suite/<suite>)')
    .option('--push-job <name>', 'the job label on the Pushgateway (default agent-lab)')
    .option('--otlp <url>', 'send the same metrics as OTLP/HTTP JSON to this OpenTelemetry collector (/v1/metrics added to a bare URL)');
export const metricsOf = (o: OptsOf<ReturnType<typeof withMetrics<[], {}, {}>>>): Mapped<MetricsOptions> => ({
  metricsFile: o.metricsFile,
  pushgateway: o.pushgateway,
  pushJob: o.pushJob,
  otlp: o.otlp,
});
