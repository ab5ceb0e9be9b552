// Many tests spawn the built CLI: a dist/ older than src/ would test yesterday's code and pass.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string, ext: string): { file: string; mtime: number } | null {
  let found: { file: string; mtime: number } | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(ext)) continue;
    const file = join(entry.parentPath, entry.name);
    const mtime = statSync(file).mtimeMs;
    if (!found || mtime > found.mtime) found = { file, mtime };
  }
  return found;
}

/** Why dist/ cannot be trusted to be src/ built, or null when it can. */
export function staleDist(): string | null {
  const fix = 'run `npm run build` (`npm test` builds first)';
  if (!existsSync(join(ROOT, 'dist/cli.js'))) return `dist/cli.js does not exist: ${fix}`;
  const src = newest(join(ROOT, 'src'), '.ts');
  const dist = newest(join(ROOT, 'dist'), '.js');
  if (src && (!dist || src.mtime > dist.mtime)) return `dist/ is older than ${relative(ROOT, src.file)}, so the tests would run old code: ${fix}`;
  return null;
}
