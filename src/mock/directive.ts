// Pure: the simulator's control language. A request picks its behaviour with a directive in the
// last user message, `[[mock: fault=rate_limit times=2 retry_after=1]]`, or the same text (the
// kind may come first without `fault=`) in an `X-Mock-Fault` header or the server-wide option.

export const FAULT_KINDS = [
  'rate_limit', // 429 JSON error; retry_after=S (seconds), retry_after_date=S (an HTTP date S s ahead), reset_ms=N
  'server', // status=500|502|503|524|529 JSON error
  'auth', // 401
  'credits', // 402
  'bad_request', // 400
  'midstream_error', // 200 stream, then an error chunk after `after` tokens
  'reset', // socket destroyed after `after` tokens
  'stall', // silence after `after` tokens for `ms`, then the response ends
  'malformed', // a non-JSON data line after `after` tokens, then the stream continues
  'empty', // zero completion tokens, finish 'stop'
  'generation_delay', // /generation 404s for `ms` after the stream
  'generation_never', // /generation always 404s
  'cost_mismatch', // /generation total_cost is twice the correct value
  'fallback', // served by `model` instead of the requested model
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /** Only the first `times` attempts of an identical request body fail; null means every attempt. */
  times: number | null;
  status: number | null;
  retry_after: number | null;
  /** Send Retry-After as an HTTP date this many seconds ahead (RFC 9110's other form). */
  retry_after_date: number | null;
  reset_ms: number | null;
  after: number | null;
  ms: number | null;
  model: string | null;
}

/** Everything a request can override; absent keys fall back to the next layer down. */
export interface Directive {
  fault?: Fault;
  reply?: string;
  ttft?: number;
  itl?: number;
  tokens?: number;
  reasoning?: number;
  /** Prompt tokens the provider adds and bills that the client cannot see (a chat template, tool definitions). */
  hidden_prompt?: number;
}

const FAULT_NUMBERS = ['times', 'status', 'retry_after', 'retry_after_date', 'reset_ms', 'after', 'ms'] as const;
const TIMING = ['ttft', 'itl', 'tokens', 'reasoning', 'hidden_prompt'] as const;
const KNOWN_KEYS = new Set<string>(['fault', 'reply', 'model', ...FAULT_NUMBERS, ...TIMING]);
const BLOCK = /\[\[mock:(.*?)\]\]/gs;
const WORD = /\s*([A-Za-z_][\w-]*)(?:=("(?:[^"\\]|\\.)*"|[^\s"]*))?/y;

export class DirectiveError extends Error {}

function unquote(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

function number(key: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(n) || n < 0) {
    throw new DirectiveError(`mock directive: \`${key}\` needs a number from 0 and up, got ${JSON.stringify(raw ?? '')}`);
  }
  return n;
}

function isKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

/** Parse the inside of one directive: `fault=KIND key=value ...` or `KIND key=value ...`. */
export function parseDirective(text: string): Directive {
  const out: Directive = {};
  const params: Partial<Record<(typeof FAULT_NUMBERS)[number], number>> & { model?: string } = {};
  let kind: string | undefined;
  let pos = 0;
  const src = text.trimEnd();
  while (pos < src.length) {
    WORD.lastIndex = pos;
    const m = WORD.exec(src);
    if (!m) throw new DirectiveError(`mock directive: cannot read ${JSON.stringify(src.slice(pos).trim())}`);
    pos = WORD.lastIndex;
    const key = m[1]!;
    const raw = m[2] === undefined ? undefined : unquote(m[2]);
    // A bare word is a fault kind (header and option form); validated with the kind below.
    if (raw === undefined && !KNOWN_KEYS.has(key)) kind = key;
    else if (key === 'fault') kind = raw;
    else if (key === 'reply') out.reply = raw ?? '';
    else if (key === 'model') params.model = raw;
    else if ((TIMING as readonly string[]).includes(key)) out[key as (typeof TIMING)[number]] = number(key, raw);
    else if ((FAULT_NUMBERS as readonly string[]).includes(key)) params[key as (typeof FAULT_NUMBERS)[number]] = number(key, raw);
    else throw new DirectiveError(`mock directive: unknown key \`${key}\``);
  }
  if (kind !== undefined) {
    if (!isKind(kind)) throw new DirectiveError(`mock directive: unknown fault \`${kind}\`; expected one of ${FAULT_KINDS.join(', ')}`);
    if (kind === 'fallback' && !params.model) throw new DirectiveError('mock directive: `fault=fallback` needs `model=<slug>`');
    out.fault = {
      kind,
      times: params.times ?? null,
      status: params.status ?? null,
      retry_after: params.retry_after ?? null,
      retry_after_date: params.retry_after_date ?? null,
      reset_ms: params.reset_ms ?? null,
      after: params.after ?? null,
      ms: params.ms ?? null,
      model: params.model ?? null,
    };
  } else if (Object.keys(params).length > 0) {
    throw new DirectiveError(`mock directive: \`${Object.keys(params).join('`, `')}\` needs a \`fault=\``);
  }
  return out;
}

/** Later layers win key by key; a fault is replaced whole, never mixed with another's params. */
export function mergeDirectives(...layers: (Directive | undefined)[]): Directive {
  const out: Directive = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

/** Every `[[mock: ...]]` block in a message, merged in order. */
export function directivesIn(text: string): Directive | undefined {
  let merged: Directive | undefined;
  for (const m of text.matchAll(BLOCK)) merged = mergeDirectives(merged, parseDirective(m[1]!));
  return merged;
}

export function stripDirectives(text: string): string {
  return text.replace(BLOCK, '').replace(/\s+/g, ' ').trim();
}
