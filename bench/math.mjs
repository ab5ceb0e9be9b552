// The benchmark's own arithmetic, kept apart from agent-lab's (src/aggregate.ts) so the bench
// does not grade the tool with the tool's own code. Pure; test/bench-math.test.ts checks it.

/** Linear-interpolated quantile (type 7, as numpy and src/aggregate.ts) of unsorted numbers; null when empty. */
export function percentile(values, q) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** p50, p99, max and n of a list of numbers (null figures when the list is empty). */
export function spread(values) {
  return {
    n: values.length,
    p50: percentile(values, 0.5),
    p99: percentile(values, 0.99),
    max: values.length ? values.reduce((a, b) => Math.max(a, b), -Infinity) : null,
  };
}

/**
 * The time a perfect client needs: jobs run in ceil(jobs / concurrency) waves, each as long as
 * the server's own mean time per request. The issue writes it jobs / concurrency × time; the
 * ceiling only matters when the jobs do not fill the last wave.
 */
export function idealMs(jobs, concurrency, serverMsPerRequest) {
  if (jobs <= 0 || concurrency <= 0) return 0;
  return Math.ceil(jobs / concurrency) * serverMsPerRequest;
}

export function mean(values) {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/**
 * Client-minus-server differences for the jobs both sides know about. A row joins the server
 * entry that served its kept attempt (same generation id); rows without one are left out.
 * Server entries carry epoch ms; rows carry durations, so durations are compared.
 */
export function timingErrors(rows, serverLog) {
  const byGeneration = new Map();
  for (const entry of serverLog) if (entry.generation_id) byGeneration.set(entry.generation_id, entry);
  const ttft = [];
  const latency = [];
  let unmatched = 0;
  for (const row of rows) {
    const entry = row.generation_id ? byGeneration.get(row.generation_id) : undefined;
    if (!entry || entry.job !== row.job_id) {
      unmatched++;
      continue;
    }
    if (row.ttft_ms !== null && entry.first_token_at !== null) ttft.push(row.ttft_ms - (entry.first_token_at - entry.received_at));
    if (row.latency_ms !== null && entry.end_at !== null) latency.push(row.latency_ms - (entry.end_at - entry.received_at));
  }
  return { ttft: spread(ttft), latency: spread(latency), unmatched };
}

/** Peak RSS growth per job between two runs of different sizes, in bytes (maxRSS is in KiB). */
export function bytesPerJob(small, large) {
  if (large.jobs === small.jobs) return null;
  return ((large.maxRssKiB - small.maxRssKiB) * 1024) / (large.jobs - small.jobs);
}
