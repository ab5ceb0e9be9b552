// The config file's format (agent-lab.config.yaml): one zod schema, also checking settings from the
// environment and flags (config/settings.ts).
import * as z from 'zod';
import { bool, forbidden, httpUrl, intFrom, intIn, oneOf, positive, present, text, typeError } from './fields.js';
import { ParamsSchema } from './params.js';
import { LOG_LEVELS } from '../log.js';
import { ARRIVALS } from '../types/summary.js';

/** More connections than this is a mistake (a stray zero), not a benchmark. */
export const MAX_CONCURRENCY = 10_000;
/** A warmup is a few requests; more than this is a stray digit. */
export const MAX_WARMUP = 10_000;
/** setTimeout's limit: a longer delay fires after 1 ms (with a TimeoutOverflowWarning), so a 30-day timeout would end every attempt at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The longest /generation wait worth configuring: OpenRouter's own harness gives up after ~55 s. */
const MAX_LOOKUP_MS = 3_600_000;
const ms = (name: string, min: number, fallback: number, max = MAX_TIMER_MS) => {
  const why = max === MAX_TIMER_MS ? ' (about 24.8 days: a longer timer fires at once)' : '';
  const error = `Expected \`${name}\` to be a whole number of ms from ${min} to ${max}${why}`;
  return z.int({ error: present(error) }).min(min, { error }).max(max, { error }).default(fallback);
};
const keyInFile = forbidden(
  'The API key never lives in a file: set it in the environment and name the variable with `api_key_env` (default OPENROUTER_API_KEY)',
);

export const ConfigSchema = z.strictObject(
  {
    /** OpenAI-compatible endpoint; OPENROUTER_BASE_URL in the environment overrides it. */
    base_url: httpUrl('base_url').default('https://openrouter.ai/api/v1'),
    /** Name of the environment variable that holds the key (never the key itself). */
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
        error: 'Expected `api_key_env` to be the name of an environment variable like OPENROUTER_API_KEY (the key itself never lives in a file)',
      })
      .default('OPENROUTER_API_KEY'),
    api_key: keyInFile,
    key: keyInFile,
    concurrency: intIn('concurrency', 1, MAX_CONCURRENCY).default(8),
    output_dir: text('output_dir').default('results'),
    /** Sent as HTTP-Referer (OpenRouter app attribution); APP_URL overrides it. */
    app_url: httpUrl('app_url').optional(),
    /** Sent as X-Title; APP_TITLE overrides it. */
    app_title: text('app_title').optional(),
    /** Lowest-precedence request params: config < suite < model < task < CLI. */
    params: ParamsSchema.optional(),
    timeouts: z
      .strictObject({
        connect_ms: ms('connect_ms', 1, 10_000),
        ttft_ms: ms('ttft_ms', 1, 120_000),
        idle_ms: ms('idle_ms', 1, 60_000),
        total_ms: ms('total_ms', 1, 600_000),
      })
      .prefault({}),
    /** GET /generation for authoritative cost and native tokens, polled after each job. */
    generation: z
      .strictObject({
        enabled: bool('enabled').default(true),
        first_delay_ms: ms('first_delay_ms', 0, 1000, MAX_LOOKUP_MS),
        max_wait_ms: ms('max_wait_ms', 0, 60_000, MAX_LOOKUP_MS),
      })
      .prefault({}),
    retry: z
      .strictObject({
        max_attempts: intIn('max_attempts', 1, 100).default(4),
        base_delay_ms: ms('base_delay_ms', 0, 1000),
        max_delay_ms: ms('max_delay_ms', 0, 30_000),
        max_retry_time_ms: ms('max_retry_time_ms', 0, 300_000),
        retry_midstream: bool('retry_midstream').default(true),
      })
      .prefault({}),
    max_cost: positive('max_cost', ' of USD').optional(),
    /** Requests a second (`--request-rate`); absent: as fast as the concurrency allows. */
    request_rate: positive('request_rate', ' of requests a second').optional(),
    arrival: oneOf('arrival', ARRIVALS).default('constant'),
    /** Requests sent before the measured jobs (`--warmup`). */
    warmup: intIn('warmup', 0, MAX_WARMUP).default(0),
    /** Bytes one response may bring before it is cancelled as too_large; default from max_tokens (README "Error kinds"). */
    max_response_bytes: intIn('max_response_bytes', 1024, 2 ** 30).optional(),
    /** Answer jobs from the response cache and store new answers; a suite's `cache` and --cache/--no-cache override it. */
    cache: bool('cache').default(false),
    log_level: oneOf('log_level', LOG_LEVELS).default('info'),
    /** Above either, a run outside CI asks first (or needs --yes): a stray `repeats: 1000000` is an accident. */
    confirm_above: z
      .strictObject({
        jobs: intFrom('jobs', 1).default(10_000),
        usd: positive('usd', ' of USD').default(10),
      })
      .prefault({}),
  },
  { error: typeError('Expected the config file to be a mapping of settings like { concurrency: 8 }') },
);

export type AgentLabConfig = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
