// Commander option parsers: a value, or InvalidArgumentError in the project's style (exit 2).
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { parseShard } from '../ci/shard.js';
import type { ShardOption } from '../ci/shard-env.js';
import type { Params } from '../types/job.js';
import { GATE_KEYS, type GateKey, type Gates } from '../types/summary.js';

const numeric = (ok: (n: number) => boolean, expected: string) => (name: string) => (value: string) => {
  const n = Number(value);
  // Number('') is 0: an empty value is a mistake, not a zero.
  if (value.trim() === '' || !ok(n)) throw new InvalidArgumentError(`Expected \`${name}\` to be ${expected}`);
  return n;
};
export const int = numeric((n) => Number.isInteger(n) && n >= 1, 'a whole number from 1 and up');
export const whole0 = numeric((n) => Number.isInteger(n) && n >= 0, 'a whole number from 0 and up');
export const num = numeric(Number.isFinite, 'a number');
export const from0 = numeric((n) => Number.isFinite(n) && n >= 0, 'a number from 0 and up');
export const rate = numeric((n) => Number.isFinite(n) && n >= 0 && n <= 1, 'a share from 0 to 1, like 0.9');
export const above0 = numeric((n) => Number.isFinite(n) && n > 0, 'a number greater than 0');
/** How each gate's value is read from `--gate key=value` (the suite's `gates:` schema says the same). */
const GATE_VALUES: Record<Exclude<GateKey, 'min_pass_hat_k'>, (name: string) => (value: string) => number> = {
  min_pass_rate: rate,
  max_total_cost: above0,
  max_p95_latency_ms: above0,
  min_slo_met_rate: rate,
  max_p95_ttft_ms: above0,
  max_p95_itl_ms: above0,
  min_p50_output_tps: above0,
  min_task_pass_rate: rate,
  max_flaky_tasks: whole0,
};
/** `--gate key=value`, repeatable: any key of the suite's `gates:`; `min_pass_hat_k=3:0.8` is k:value. */
export const gate = (value: string, previous: Gates = {}): Gates => {
  const eq = value.indexOf('=');
  const key = value.slice(0, eq).trim();
  const raw = value.slice(eq + 1);
  if (eq < 1 || !(GATE_KEYS as readonly string[]).includes(key)) throw new InvalidArgumentError(`Expected \`--gate\` as key=value with a key from ${GATE_KEYS.join(', ')}, like --gate min_slo_met_rate=0.95`);
  if (key === 'min_pass_hat_k') {
    const [k, share] = raw.split(':');
    if (share === undefined) throw new InvalidArgumentError('Expected `--gate min_pass_hat_k` as k:value, like min_pass_hat_k=3:0.8');
    return { ...previous, min_pass_hat_k: { k: int('min_pass_hat_k k')(k!), value: rate('min_pass_hat_k value')(share) } };
  }
  const name = key as keyof typeof GATE_VALUES;
  return { ...previous, [name]: GATE_VALUES[name](name)(raw) };
};
/** `i/n`, or `auto` (resolved from the environment when the run is prepared). */
export const shard = (value: string): ShardOption => {
  if (value.trim() === 'auto') return 'auto';
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** An age like `7d` or `12h`, in ms. */
export const age = (name: string) => (value: string) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(value);
  if (!match) throw new InvalidArgumentError(`Expected \`${name}\` to be an age like 90s, 30m, 12h, 7d or 2w`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
};
export const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
export const param = (value: string, previous: Params = {}) => {
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
/** `--var key=value`, repeatable; the value is text, as a CSV cell is. */
export const variable = (value: string, previous: Record<string, string> = {}) => {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('Expected `--var` as key=value, like --var lang=French');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
};
