// Shared by the compare renderers: how one compare row's numbers are written.
import { formatDelta, type CompareRow } from './compare.js';
import { METRIC_INFO } from './metrics.js';
import { formatMs, formatPercent, usd } from '../format.js';

export function formatValue(row: Pick<CompareRow, 'metric'>, value: number | null): string | null {
  if (value === null) return null;
  switch (row.metric) {
    case 'pass_rate':
    case 'error_rate':
    case 'slo_met_rate':
      return formatPercent(value);
    case 'tokens':
      return value.toFixed(1);
    case 'cost':
      return usd(value);
    default:
      return formatMs(value);
  }
}

export function significance(row: CompareRow): string {
  if (row.significant === null) return 'n/a';
  if (!row.significant) return 'no';
  return row.worse ? 'yes, worse' : 'yes, better';
}

/** The cells of one row, in the column order both renderers use. */
export function compareCells(row: CompareRow): (string | null)[] {
  return [
    row.model_label,
    row.system_prompt_id,
    METRIC_INFO[row.metric].label,
    formatValue(row, row.baseline),
    formatValue(row, row.current),
    row.delta === null ? null : formatDelta(row.metric, row.delta),
    significance(row),
    row.test,
    row.failed.length ? `FAIL ${row.failed.join(', ')}` : null,
  ];
}

export const COMPARE_HEADERS = ['model', 'prompt', 'metric', 'baseline', 'current', 'delta', 'significant', 'test', 'gate'];
