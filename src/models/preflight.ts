// Pure: the matrix checked against /models before anything is sent. Errors exit 2; warnings are logged.
import { ConfigError } from '../errors.js';
import { estimatePromptTokens, maxTokensOf } from '../money/estimate.js';
import type { Logger } from '../log.js';
import { suggestModels, type ModelInfo } from './list.js';
import type { Job } from '../types/job.js';
import { WARN } from '../warnings.js';

export interface PreflightProblem {
  level: 'error' | 'warning';
  code: 'unknown_model' | 'unsupported_param' | 'max_tokens_over_limit' | 'over_context' | 'reasoning_unsupported' | 'images_unsupported';
  model: string;
  param?: string;
  message: string;
}

export interface PreflightOptions {
  /** Unsupported params are errors (and the run sends provider.require_parameters: true). */
  strictParams?: boolean;
  baseUrl: string;
}

/** Params that are ours or OpenRouter's routing layer, not model parameters: never in supported_parameters. */
const NOT_MODEL_PARAMS = new Set(['provider', 'plugins', 'transforms', 'user', 'session_id', 'usage', 'stream_options', 'debug', 'route', 'service_tier']);
const REASONING_PARAMS = ['reasoning', 'reasoning_effort', 'include_reasoning'];

export function findModelInfo(models: readonly ModelInfo[], id: string): ModelInfo | undefined {
  return models.find((m) => m.id === id) ?? models.find((m) => m.canonical_slug === id);
}

export function preflight(jobs: Iterable<Job>, models: readonly ModelInfo[], opts: PreflightOptions): PreflightProblem[] {
  const check = createPreflight(models, opts);
  for (const job of jobs) check.add(job);
  return check.problems();
}

export function createPreflight(models: readonly ModelInfo[], opts: PreflightOptions): { add(job: Job): void; problems(): PreflightProblem[] } {
  const problems: PreflightProblem[] = [];
  const seen = new Set<string>();
  const add = (p: PreflightProblem) => {
    const key = `${p.code}\u0000${p.model}\u0000${p.param ?? ''}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };
  const ids = models.map((m) => m.id);
  const found = new Map<string, ModelInfo | undefined>();
  return {
    add(job) {
      if (!found.has(job.model)) found.set(job.model, findModelInfo(models, job.model));
      const model = found.get(job.model);
      if (!model) {
        add({ level: 'error', code: 'unknown_model', model: job.model, message: WARN.unknownModel(job.model, suggestModels(job.model, ids), opts.baseUrl) });
        return;
      }
      checkParams(job, model, opts, add);
      checkLimits(job, model, add);
      checkImages(job, model, add);
    },
    problems: () => problems,
  };
}

/** A task with images on a model whose listing does not take them (an empty list says nothing). */
function checkImages(job: Job, model: ModelInfo, add: (p: PreflightProblem) => void): void {
  if (model.input_modalities.length === 0 || model.input_modalities.includes('image')) return;
  if (job.messages.some((m) => typeof m.content !== 'string' && m.content.some((p) => p.type === 'image_url'))) {
    add({ level: 'warning', code: 'images_unsupported', model: job.model, message: WARN.imagesUnsupported(job.model, model.input_modalities) });
  }
}

function checkParams(job: Job, model: ModelInfo, opts: PreflightOptions, add: (p: PreflightProblem) => void): void {
  const supported = new Set(model.supported_parameters);
  // An empty list means the listing says nothing, not that nothing is supported.
  if (supported.size === 0) return;
  for (const param of Object.keys(job.params)) {
    if (NOT_MODEL_PARAMS.has(param) || supported.has(param)) continue;
    // max_completion_tokens is an alias of max_tokens that not every listing spells out.
    if (param === 'max_completion_tokens' && supported.has('max_tokens')) continue;
    if (REASONING_PARAMS.includes(param) && !model.flags.reasoning) {
      add({ level: 'warning', code: 'reasoning_unsupported', model: job.model, param, message: WARN.reasoningUnsupported(job.model, param) });
      continue;
    }
    const strict = opts.strictParams === true;
    add({ level: strict ? 'error' : 'warning', code: 'unsupported_param', model: job.model, param, message: WARN.unsupportedParam(job.model, param, strict) });
  }
  // Even if the param is listed.
  for (const param of REASONING_PARAMS) {
    if (job.params[param] !== undefined && job.params[param] !== false && !model.flags.reasoning) {
      add({ level: 'warning', code: 'reasoning_unsupported', model: job.model, param, message: WARN.reasoningUnsupported(job.model, param) });
    }
  }
}

function checkLimits(job: Job, model: ModelInfo, add: (p: PreflightProblem) => void): void {
  const maxTokens = maxTokensOf(job.params);
  if (maxTokens === null) return;
  if (model.max_completion_tokens !== null && maxTokens > model.max_completion_tokens) {
    add({ level: 'warning', code: 'max_tokens_over_limit', model: job.model, message: WARN.maxTokensOverLimit(job.model, maxTokens, model.max_completion_tokens) });
  }
  // The top provider's window is what the request meets; the model-level one can be larger.
  const context = model.top_provider_context_length ?? model.context_length;
  const prompt = estimatePromptTokens(job.messages, job.params);
  if (context !== null && prompt + maxTokens > context) {
    add({ level: 'warning', code: 'over_context', model: job.model, message: WARN.overContext(job.model, prompt, maxTokens, context) });
  }
}

export function reportPreflight(problems: readonly PreflightProblem[], logger: Pick<Logger, 'warn'>): void {
  for (const p of problems) if (p.level === 'warning') logger.warn(p.message);
  const errors = problems.filter((p) => p.level === 'error');
  if (errors.length) {
    throw new ConfigError(`Preflight: ${errors.length} problem(s) found before anything was sent:\n  ${errors.map((e) => e.message).join('\n  ')}`);
  }
}
