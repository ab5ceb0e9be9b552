// The judge's verdicts on disk, in the response cache's store (one atomic file per key), kept in
// the run folder (`verdicts/`): a re-check, a resume or a second finalize of the folder reads a
// verdict it paid for instead of asking again. Only real verdicts are kept; a judge error is
// asked again next time. An unreadable entry is a miss, never a crash.
import { basename, join } from 'node:path';
import * as z from 'zod';
import type { JudgeVerdict } from '../checks/judge.js';
import { cacheFiles } from './admin.js';
import { readEntryText, writeCacheEntry } from './store.js';

export const VERDICTS_DIR = 'verdicts';
const FORMAT = 'agent-lab/verdict';

const num = z.number().nullable();
const EntrySchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  key: z.string(),
  stored_at: z.string(),
  model: z.string(),
  score: z.number().min(0).max(1),
  reason: z.string(),
  cost_usd: num,
  tokens_prompt: num,
  tokens_completion: num,
});

export const verdictsDir = (runDir: string): string => join(runDir, VERDICTS_DIR);

export async function readVerdict(dir: string, key: string): Promise<JudgeVerdict | null> {
  const found = await readEntryText(dir, key);
  if (found === null || 'problem' in found) return null;
  let json: unknown;
  try {
    json = JSON.parse(found.text);
  } catch {
    return null;
  }
  const parsed = EntrySchema.safeParse(json);
  if (!parsed.success || parsed.data.key !== key) return null;
  const { score, reason, cost_usd, tokens_prompt, tokens_completion } = parsed.data;
  return { score, reason, error: null, cost_usd, tokens_prompt, tokens_completion };
}

/** What the folder's stored verdicts cost: each known cost, and how many are unknown. An unreadable one is asked again (and charged then) if a check still needs it. */
export async function verdictSpend(runDir: string): Promise<{ known: number[]; unknown: number }> {
  const dir = verdictsDir(runDir);
  const known: number[] = [];
  let unknown = 0;
  for (const file of (await cacheFiles(dir)) ?? []) {
    const verdict = file.temp ? null : await readVerdict(dir, basename(file.path, '.json'));
    if (verdict?.cost_usd === null) unknown++;
    else if (verdict) known.push(verdict.cost_usd);
  }
  return { known, unknown };
}

export function writeVerdict(dir: string, key: string, model: string, verdict: JudgeVerdict, storedAt: string): Promise<void> {
  const entry = { format: FORMAT, version: 1, key, stored_at: storedAt, model, ...verdict };
  delete (entry as { error?: unknown }).error;
  return writeCacheEntry(dir, key, `${JSON.stringify(entry)}\n`);
}
