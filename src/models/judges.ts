// The suite's judge models against /models, before anything is sent: a judge that the endpoint
// does not list would fail every verdict after the whole run was paid for.
import type { ResolvedSuite } from '../config/resolve.js';
import { ConfigError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { suggestModels } from './list.js';

export function suiteJudgeModels(suite: Pick<ResolvedSuite, 'entries'>): string[] {
  const models = new Set<string>();
  for (const entry of suite.entries) for (const { spec } of entry.checks) if (spec.kind === 'judge' || spec.kind === 'pairwise') models.add(spec.model);
  return [...models];
}

export function checkJudgeModels(models: readonly string[], catalog: Pick<Catalog, 'find' | 'models' | 'baseUrl'>): void {
  const missing = models.filter((m) => !catalog.find(m));
  if (!missing.length) return;
  const ids = catalog.models.map((m) => m.id);
  const named = missing.map((m) => {
    const close = suggestModels(m, ids);
    return `\`${m}\`${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}`;
  });
  throw new ConfigError(`The judge model ${named.join(', ')} is not listed by ${catalog.baseUrl}/models: fix \`judge.model\` (or the check's \`model\`); nothing was sent.`);
}
