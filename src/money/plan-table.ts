// Renderers for `agent-lab plan` and `run --dry-run`: what a run would send and cost. Pure,
// return strings. Every token count here is an estimate and is labelled so; an unknown price
// prints as `?`, never as 0.
import { atStake, type PlanRow, type CostPlan } from './plan.js';
import { formatTable, type Column } from '../render/format-table.js';
import { formatUsd, usd } from '../format.js';

const COLUMNS: Column[] = [
  { header: 'model' },
  { header: 'prompt' },
  { header: 'jobs', align: 'right' },
  { header: 'est. prompt tok/job', align: 'right' },
  { header: 'est. tokens in', align: 'right' },
  { header: 'low $', align: 'right' },
  { header: 'worst $', align: 'right' },
];

const usdCell = (value: number | null) => (value === null ? '?' : formatUsd(value));

function cells(r: PlanRow, model: string, prompt: string, mark = ''): (string | number)[] {
  return [model, prompt, r.jobs, r.prompt_tokens_per_job, r.prompt_tokens, usdCell(r.low_usd) + mark, usdCell(r.high_usd) + mark];
}

/** `capUsd`: the run's --max-cost / max_cost, if any, set against the worst case. */
export function renderPlanTable(plan: CostPlan, capUsd: number | null = null): string {
  const rows: (string | number)[][] = [];
  for (const model of plan.models) {
    const groups = plan.groups.filter((g) => g.model === model.model);
    // A judge model's row (`<model> (judge)`) has no groups: its requests are the checks' own.
    if (model.model_label.endsWith(' (judge)')) rows.push(cells(model, model.model_label, ''));
    for (const g of groups) rows.push(cells(g, g.model_label, g.system_prompt_id));
    // A per-model subtotal only adds information when the model has several system prompts.
    if (groups.length > 1) rows.push(cells(model, `${model.model_label} (all)`, ''));
  }
  const t = plan.total;
  // The warmup requests are sent and paid for before the jobs: a row of their own, in the total.
  const w = plan.warmup;
  if (w) rows.push(cells(w, 'warmup', ''));
  const all = atStake(plan);
  rows.push(cells({ ...t, ...all, prompt_tokens_per_job: all.jobs ? Math.round(all.prompt_tokens / all.jobs) : 0 }, 'total', '', all.incomplete ? '+?' : ''));
  const extra = [t.jobs > plan.jobs ? `${t.jobs - plan.jobs} judge request(s)` : '', w ? `${w.jobs} warmup request(s) (--warmup: the first task's request to each model, in turn)` : ''].filter(Boolean);
  const notes = [
    `${plan.jobs} job(s)${extra.length ? ` and ${extra.join(' and ')}` : ''}. low: ${plan.expect_tokens} completion tokens per job (--expect-tokens); worst: every job uses its whole max_tokens, billed at the dearer of the completion and reasoning prices.`,
    `Estimates: ${plan.method}.`,
    ...(plan.selection ?? []),
  ];
  if (plan.unknown_prices.length) notes.push(`? unknown prices (not in /models, or a negative "depends on the routed model" price): ${plan.unknown_prices.join(', ')}; the total leaves them out (+?).`);
  if (capUsd !== null) notes.push(capNote(plan, capUsd));
  notes.push('Nothing was sent.');
  return formatTable(COLUMNS, rows) + notes.map((n) => `${n}\n`).join('');
}

/** `extra`: keys other stages add (`shard` from `plan --shard`). */
export function renderPlanJson(plan: CostPlan, capUsd: number | null = null, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...plan, max_cost: capUsd, ...extra }, null, 2)}\n`;
}

function capNote(plan: CostPlan, cap: number): string {
  const { high_usd: worst, incomplete } = atStake(plan);
  if (incomplete || worst === null) return `cost cap $${cap}: a run would be refused, since some prices are unknown (a cap never guesses a price).`;
  if (worst <= cap) return `cost cap $${cap}: even the worst case (${usd(worst)}) fits.`;
  // Reservations are worst cases: about this many jobs fit before the cap can stop the run.
  // The warmup requests go first, so the jobs get what they leave of the cap.
  const perJob = plan.total.high_usd! / plan.jobs;
  const room = Math.max(0, cap - (plan.warmup?.high_usd ?? 0));
  return `cost cap $${cap}: the worst case (${usd(worst)}) does not fit; about ${Math.min(plan.jobs, Math.floor(room / perJob))} of ${plan.jobs} jobs fit at the worst case (more are sent when answers are shorter than max_tokens); the rest would be skipped.`;
}
