// The option groups several commands take, each declared once beside the mapper that turns
// its parsed values into the feature's typed options. extra-typings infers every parsed value's
// type from its declaration, so a mapper that reads a flag its group lacks does not compile.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { Gates } from '../ci/gates.js';
import { LOG_LEVELS } from '../log.js';
import type { EndpointOptions, ExecOptions, MatrixOptions, OutputOptions, ResumeOptions } from '../run/options.js';
import { above0, int, list, num, param, rate } from './parsers.js';

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

/** The cost cap and the estimate (run, plan). */
export const withCost = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>, maxCostHelp?: string) =>
  cmd
    .addOption(maxCostOption(maxCostHelp))
    .option('--expect-tokens <n>', 'expected completion tokens per job, for the low cost estimate (default 256)', int('expect-tokens'));
export const costOf = (o: OptsOf<ReturnType<typeof withCost<[], {}, {}>>>): Mapped<Pick<ExecOptions, 'maxCost' | 'expectTokens'>> => ({
  maxCost: o.maxCost,
  expectTokens: o.expectTokens,
});

/** Gates and --junit (run, merge): CI's verdict on the results. */
export const withGates = <A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) =>
  cmd
    .option('--min-pass-rate <r>', 'gate: exit 3 unless every model × system prompt passes this share of its checked jobs (0–1)', rate('min-pass-rate'))
    .option('--max-total-cost <usd>', 'gate: exit 3 if the run costs more than this (USD)', above0('max-total-cost'))
    .option('--max-p95-latency-ms <ms>', 'gate: exit 3 if any model × system prompt has a p95 latency above this', above0('max-p95-latency-ms'))
    .option('--junit <file>', 'also write a JUnit XML report (one testcase per job, failed checks as failures)');
export const gatesOf = (o: OptsOf<ReturnType<typeof withGates<[], {}, {}>>>): Mapped<Pick<OutputOptions, 'gates' | 'junit'>> => {
  const gates: Gates = {};
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
export const resumeOf = (o: OptsOf<ReturnType<typeof withResume<[], {}, {}>>>): Mapped<Omit<ResumeOptions, 'resume'>> => ({
  retryErrors: Boolean(o.retryErrors),
  force: Boolean(o.force),
});
