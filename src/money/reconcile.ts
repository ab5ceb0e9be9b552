// Pure: does a row's money and model add up? Three costs are recorded per job — /generation's
// total_cost (cost_usd), the stream's usage.cost (cost_usage_usd) and native tokens × the
// /models prices (cost_estimate_usd) — and a benchmark lies when they disagree or when another
// model answered than the one asked for (a silent fallback).
import type { FlagKind, FlaggedJob, Reconciliation } from '../types/summary.js';

/** Two costs disagree when they differ by more than 5 % of the larger, or by more than this floor. */
export const COST_TOLERANCE = { relative: 0.05, absolute_usd: 1e-9 } as const;
/** At most this many flagged jobs are listed by id in summary.json (all are counted). */
export const MAX_LISTED = 50;

export function costsDisagree(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return false;
  const limit = Math.max(COST_TOLERANCE.absolute_usd, COST_TOLERANCE.relative * Math.max(Math.abs(a), Math.abs(b)));
  return Math.abs(a - b) > limit;
}

/** Any two of the known costs disagree (unknown ones are not compared: unknown is not a mismatch). */
export function costMismatch(row: { cost_usd: number | null; cost_usage_usd: number | null; cost_estimate_usd: number | null }): boolean {
  const known = [row.cost_usd, row.cost_usage_usd, row.cost_estimate_usd].filter((v): v is number => v !== null);
  return known.some((a, i) => known.slice(i + 1).some((b) => costsDisagree(a, b)));
}

/** `openai/gpt-4o-mini-2024-07-18` → `openai/gpt-4o-mini`: a dated permaslug is the same model. */
export function undated(slug: string): string {
  return slug.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/, '');
}

/**
 * Whether `served` (the chunks' `model`) is the model that was requested. `canonical` maps a
 * routable id to its /models canonical slug, which need not share the id's spelling
 * (`anthropic/claude-sonnet-4.5` → `anthropic/claude-4.5-sonnet-20250929`).
 */
export function sameModel(requested: string, served: string | null, canonical?: ReadonlyMap<string, string>): boolean {
  if (served === null || served === requested) return true;
  const slug = canonical?.get(requested);
  if (slug && (served === slug || undated(served) === undated(slug))) return true;
  // `:free`, `:nitro` and other variants are served as the base model.
  const base = requested.replace(/:[a-z-]+$/, '');
  if (undated(served) === base || undated(served) === undated(base)) return true;
  // Without the listing (merged shards, old folders), the same words in another order still match:
  // `anthropic/claude-sonnet-4.5` is served as `anthropic/claude-4.5-sonnet-20250929`.
  return words(undated(served)) === words(undated(base));
}

const words = (slug: string) => slug.toLowerCase().split(/[/.\-_]+/).filter(Boolean).sort().join(' ');

export interface Reconciler {
  add(row: FlagInput): void;
  finish(): Reconciliation;
}

export type FlagInput = Omit<FlaggedJob, 'kind'> & { status: string };

export function createReconciler(canonical?: ReadonlyMap<string, string>): Reconciler {
  const out: Reconciliation = { tolerance: COST_TOLERANCE, cost_mismatches: 0, model_mismatches: 0, jobs: [] };
  const flag = (row: FlagInput, kind: FlagKind) => {
    if (out.jobs.length < MAX_LISTED) {
      const { job_id, model, model_served, cost_usd, cost_usage_usd, cost_estimate_usd } = row;
      out.jobs.push({ job_id, kind, model, model_served, cost_usd, cost_usage_usd, cost_estimate_usd });
    }
  };
  return {
    add(row) {
      if (row.status === 'skipped') return;
      if (costMismatch(row)) {
        out.cost_mismatches++;
        flag(row, 'cost_mismatch');
      }
      if (!sameModel(row.model, row.model_served, canonical)) {
        out.model_mismatches++;
        flag(row, 'model_mismatch');
      }
    },
    finish: () => out,
  };
}
