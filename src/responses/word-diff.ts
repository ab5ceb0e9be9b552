// Pure: jsdiff's diffWords, the library the report page runs too, so terminal and page mark the same words.
import { diffWords } from 'diff';

export type DiffKind = 'same' | 'added' | 'removed';

export interface DiffPart {
  kind: DiffKind;
  text: string;
}

/** null when the texts are too different to diff in time. */
export function wordDiff(before: string, after: string, timeoutMs = 2000): DiffPart[] | null {
  // Myers' diff is O(N·D): two long, unrelated answers would take seconds, so give up instead.
  const changes = diffWords(before, after, { timeout: timeoutMs });
  if (!changes) return null;
  return changes.map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

export function plainDiff(parts: readonly DiffPart[]): string {
  return parts.map((p) => (p.kind === 'added' ? `{+${p.text}+}` : p.kind === 'removed' ? `[-${p.text}-]` : p.text)).join('');
}
