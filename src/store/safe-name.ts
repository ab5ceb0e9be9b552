// The one way an id becomes part of a file name. Ids come from the suite and may hold anything
// but whitespace: `a/b` named a folder that did not exist (a crash), `../../x` named a file
// outside the run folder.
import { createHash } from 'node:crypto';

/** Longest part of a name kept from an id; the whole file name stays far below NAME_MAX (255). */
const KEEP = 60;

/**
 * `id` when it is already a plain name (letters, digits, `.`, `_`, `-`, not starting with a
 * dot); otherwise the safe characters with every other run made `_`, cut to KEEP, plus 8 hex
 * of the id's sha256, so two ids that clean up alike (`a/b`, `a_b`) still get two names.
 */
export function safeName(id: string): string {
  if (/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/.test(id)) return id;
  const cleaned = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, KEEP);
  return `${cleaned}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}
