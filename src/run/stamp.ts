// Run ids and default folder names carry the start time in a form that sorts and is safe in a path.

/** A UTC timestamp that sorts and is safe in a folder name: 2026-11-22T17-45-03Z. */
export function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}
