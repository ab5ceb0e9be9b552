// Temp folders holding a suite, a config and prompt files, built from inline text.
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Workspace {
  dir: string;
  path(rel: string): string;
  write(rel: string, text: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function workspace(files: Record<string, string> = {}): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'agent-lab-test-'));
  const ws: Workspace = {
    dir,
    path: (rel) => join(dir, rel),
    async write(rel, text) {
      const file = join(dir, rel);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  for (const [rel, text] of Object.entries(files)) await ws.write(rel, text);
  return ws;
}

/** A config that makes runs fast: /generation polled soon after each stream. */
export const FAST_CONFIG = `
generation:
  first_delay_ms: 30
  max_wait_ms: 5000
retry:
  base_delay_ms: 10
  max_delay_ms: 200
log_level: warn
`;
