// Pure: the `--fail-on` grammar. A comma list of `METRIC OP SIGNED-NUMBER UNIT`, e.g.
// `pass_rate<-5pp,cost>+10%,p95_latency>+20%`: fail when the change in METRIC is past the number
// in the direction of OP. Rates take `pp`, the rest `%`, so "-5%" on a pass rate cannot be
// mistaken for five points. `task_flips>N` is a count, not a change: fail when more than N
// tasks flipped (compare/flips.ts). A bad spec is a ConfigError (exit 2) before anything runs.
import { ConfigError } from '../errors.js';
import { COMPARE_METRICS, isCompareMetric, METRIC_INFO, type CompareMetric } from './metrics.js';

export interface FailRule {
  metric: CompareMetric | 'task_flips';
  op: '<' | '>';
  /** Threshold in the metric's unit (pp or %), signed. */
  value: number;
  /** The rule as written, normalised: `cost>+10%`. */
  text: string;
}

const FLIPS = /^\s*task_flips\s*>\s*(\d+)\s*$/;
const RULE = /^\s*([a-z0-9_]+)\s*([<>])\s*([+-]?\d+(?:\.\d+)?)\s*(pp|%)?\s*$/;

export function parseFailOn(spec: string): FailRule[] {
  const parts = spec.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0) throw new ConfigError('Expected `--fail-on` to list at least one rule, e.g. "pass_rate<-5pp,cost>+10%"');
  return parts.map(parseRule);
}

function parseRule(part: string): FailRule {
  const flips = FLIPS.exec(part);
  if (flips) return { metric: 'task_flips', op: '>', value: Number(flips[1]), text: `task_flips>${Number(flips[1])}` };
  if (/^\s*task_flips/.test(part)) throw new ConfigError(`Cannot read the --fail-on rule ${JSON.stringify(part.trim())}: task_flips is a count of tasks, written task_flips>N (fail when more than N tasks flipped), e.g. "task_flips>2".`);
  const m = RULE.exec(part);
  if (!m) {
    throw new ConfigError(`Cannot read the --fail-on rule ${JSON.stringify(part.trim())}: expected METRIC<VALUE or METRIC>VALUE with a unit, e.g. "pass_rate<-5pp" or "cost>+10%". Metrics: ${COMPARE_METRICS.join(', ')}, and task_flips>N.`);
  }
  const [, metric, op, number, written] = m as unknown as [string, string, '<' | '>', string, 'pp' | '%' | undefined];
  const unit = written ?? '';
  if (!isCompareMetric(metric)) {
    throw new ConfigError(`Unknown metric \`${metric}\` in --fail-on; expected one of ${COMPARE_METRICS.join(', ')}.`);
  }
  const want = METRIC_INFO[metric].unit;
  if (unit !== want) {
    const how = want === 'pp' ? 'percentage points' : want === '%' ? 'percent' : "the judge's 0..1 scale, without a unit";
    throw new ConfigError(`\`${metric}\` in --fail-on changes in ${how}: write it as ${metric}${op}${number.replace(/^(?=\d)/, op === '<' ? '-' : '+')}${want}.`);
  }
  const value = Number(number);
  return { metric, op, value, text: `${metric}${op}${value >= 0 ? '+' : ''}${value}${unit}` };
}

/** True when a change is past the rule's threshold (null deltas are never past anything). */
export function crosses(rule: FailRule, delta: number | null): boolean {
  if (delta === null) return false;
  return rule.op === '<' ? delta < rule.value : delta > rule.value;
}
