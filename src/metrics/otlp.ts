// Pure: metric families → an OTLP/HTTP JSON ExportMetricsServiceRequest, written to the
// protobuf JSON mapping as the OTLP spec amends it: lowerCamelCase keys, 64-bit integers
// (timeUnixNano, asInt) as decimal strings, enums (aggregationTemporality) as integers.
// Hand-written rather than through @opentelemetry/exporter-metrics-otlp-http: its current line
// needs Node ≥ 22.15, and its SDK stamps each point with the collection time, where a finished
// run's points belong at the run's own end (docs/cron.md, "OpenTelemetry").
import type { MetricFamily, SuiteMetrics } from './families.js';

export const OTLP_CONTENT_TYPE = 'application/json';
/** AggregationTemporality: counters add up from their start time (the history file's first run). */
const CUMULATIVE = 2;

type AnyValue = { stringValue: string };
type KeyValue = { key: string; value: AnyValue };
interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string;
}

export function renderOtlp(suites: readonly SuiteMetrics[], resource: { version: string }): string {
  const metrics = new Map<string, { family: MetricFamily; points: NumberDataPoint[] }>();
  for (const suite of suites) {
    for (const family of suite.families) {
      const entry = metrics.get(family.name) ?? { family, points: [] };
      for (const sample of family.samples) entry.points.push(point(family, sample.labels, sample.value, suite));
      metrics.set(family.name, entry);
    }
  }
  const request = {
    resourceMetrics: [
      {
        resource: { attributes: [attr('service.name', 'agent-lab'), attr('service.version', resource.version)] },
        scopeMetrics: [{ scope: { name: 'agent-lab', version: resource.version }, metrics: [...metrics.values()].map(({ family, points }) => metric(family, points)) }],
      },
    ],
  };
  return JSON.stringify(request);
}

function metric(family: MetricFamily, dataPoints: NumberDataPoint[]) {
  const head = { name: family.name, description: family.help, unit: family.unit };
  return family.type === 'counter' ? { ...head, sum: { dataPoints, aggregationTemporality: CUMULATIVE, isMonotonic: true } } : { ...head, gauge: { dataPoints } };
}

function point(family: MetricFamily, labels: Record<string, string>, value: number, suite: SuiteMetrics): NumberDataPoint {
  return {
    attributes: Object.entries(labels).map(([key, v]) => attr(key, v)),
    ...(family.type === 'counter' && suite.start ? { startTimeUnixNano: unixNano(suite.start) } : {}),
    timeUnixNano: unixNano(suite.time),
    ...(family.integer ? { asInt: String(Math.round(value)) } : { asDouble: value }),
  };
}

const attr = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
/** ISO time → nanoseconds since the epoch, as the decimal string fixed64 takes in JSON. */
const unixNano = (iso: string): string => (BigInt(Date.parse(iso)) * 1_000_000n).toString();
