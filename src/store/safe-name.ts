// The one way an id becomes part of a file name: `a/b` crashed a run, `../../x` escaped the folder.
import { createHash } from 'node:crypto';

/** Longest part of a name kept from an id; the whole file name stays far below NAME_MAX (255). */
const KEEP = 60;

/** A plain id as it is; otherwise cleaned, plus 8 hex of its sha256 so `a/b` and `a_b` still get two names. */
export function safeName(id: string): string {
  if (/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/.test(id)) return id;
  const cleaned = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, KEEP);
  return `${cleaned}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}
