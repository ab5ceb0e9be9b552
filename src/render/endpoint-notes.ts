// The table's footer lines with OpenRouter's own figures for each provider arm, to read beside
// the measured rows above. Its latency is printed as given: the unit is not settled (wire §4).
import type { RunSummary } from '../types/summary.js';

export function endpointNotes(summary: Pick<RunSummary, 'endpoints'>): string[] {
  return Object.entries(summary.endpoints ?? {}).flatMap(([label, e]) => {
    const latency = e?.latency_last_30m?.p50 ?? null;
    const throughput = e?.throughput_last_30m?.p50 ?? null;
    if (latency === null && throughput === null) return [];
    const figures = [latency === null ? null : `latency p50 ${latency} (unit as reported)`, throughput === null ? null : `throughput p50 ${throughput} tok/s`].filter(Boolean);
    return [`OpenRouter's own figures for ${label} (${e!.provider_name ?? e!.tag}, last 30 min): ${figures.join(', ')}`];
  });
}
