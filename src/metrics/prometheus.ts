// Pure: metric families → the Prometheus text exposition format 0.0.4, which node_exporter's
// textfile collector reads and the Pushgateway takes. No timestamps: the textfile collector
// refuses them, and the Pushgateway stamps its own push time.
import type { MetricFamily, Sample } from './families.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function renderPrometheus(families: readonly MetricFamily[]): string {
  return families.map((f) => `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n${f.samples.map((s) => sampleLine(f.name, s)).join('')}`).join('');
}

function sampleLine(name: string, sample: Sample): string {
  const labels = Object.entries(sample.labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  return `${name}${labels.length ? `{${labels.join(',')}}` : ''} ${formatValue(sample.value)}\n`;
}

/** Go's strconv-style floats: `1e-05`, `1.5`; the families never hold NaN or infinities. */
const formatValue = (value: number): string => String(value);

// The two escapes the format defines: HELP text escapes \ and newline; label values also ".
const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (text: string) => escapeHelp(text).replace(/"/g, '\\"');
