// Option parsers for commander: each turns one flag's text into a value or throws
// InvalidArgumentError with a message in the project's style (usage errors exit 2).
import { InvalidArgumentError } from 'commander';
import { parseShard } from '../ci/shard.js';
import type { Params } from '../types/job.js';

export const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`Expected \`${name}\` to be a whole number from 1 and up`);
  return n;
};
export const num = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`Expected \`${name}\` to be a number`);
  return n;
};
export const rate = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`Expected \`${name}\` to be a share from 0 to 1, like 0.9`);
  return n;
};
export const above0 = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`Expected \`${name}\` to be a number greater than 0`);
  return n;
};
export const shard = (value: string) => {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};
/** --min-pass-rate and friends: on `run` and on `merge`. */
export const gatesOf = (opts: Record<string, unknown>) => {
  const gates: Record<string, number> = {};
  if (opts.minPassRate !== undefined) gates.min_pass_rate = opts.minPassRate as number;
  if (opts.maxTotalCost !== undefined) gates.max_total_cost = opts.maxTotalCost as number;
  if (opts.maxP95LatencyMs !== undefined) gates.max_p95_latency_ms = opts.maxP95LatencyMs as number;
  return gates;
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
