// The import rules of .dependency-cruiser.cjs (run by `npm test` on src/) must bite: a tree that
// breaks each of them is refused, rule by rule.
import { execFile } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspace, type Workspace } from './helpers/workspace.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
let ws: Workspace;

beforeAll(async () => {
  ws = await workspace({
    'tsconfig.json': '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true } }',
    'src/types/job.ts': "import { x } from '../exec/runner.js';\nexport type Job = typeof x;\n",
    'src/exec/runner.ts': "import { row } from '../store/journal.js';\nexport const x = row;\n",
    'src/store/journal.ts': "import { send } from '../provider/client.js';\nexport const row = send;\n",
    'src/provider/client.ts': "import { table } from '../render/table.js';\nexport const send = table;\n",
    'src/render/table.ts': "import { readFileSync } from 'node:fs';\nimport ora from 'ora';\nimport { lock } from '../store/lock.js';\nexport const table = [readFileSync, lock, ora];\n",
    'src/store/lock.ts': "export const lock = 1;\n",
    'src/compare/load.ts': "import { runSuite } from '../run/index.js';\nexport const load = runSuite;\n",
    'src/run/index.ts': 'export const runSuite = 1;\n',
    'src/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
    'src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
  });
  // The packages the rules name (ora, undici) resolve from the project's own node_modules.
  await symlink(`${ROOT}node_modules`, ws.path('node_modules'));
});
afterAll(() => ws.cleanup());

describe('import rules', () => {
  it('src/ keeps them', async () => {
    const { stdout } = await run(process.execPath, [`${ROOT}node_modules/dependency-cruiser/bin/dependency-cruise.mjs`, 'src', '--config', '.dependency-cruiser.cjs'], { cwd: ROOT });
    expect(stdout).toContain('no dependency violations found');
  });

  it('a tree that breaks each rule is refused, naming the rule and the import', async () => {
    const failed = await run(process.execPath, [`${ROOT}node_modules/dependency-cruiser/bin/dependency-cruise.mjs`, 'src', '--config', `${ROOT}.dependency-cruiser.cjs`], { cwd: ws.dir }).then(
      () => null,
      (error: { stdout: string }) => error.stdout,
    );
    expect(failed).not.toBeNull();
    const broken = [
      'no-circular: src/a.ts',
      'render-is-pure: src/render/table.ts → src/store/lock.ts',
      'pure-core-no-io: src/render/table.ts → fs',
      'pure-core-no-http: src/render/table.ts → ',
      'store-below-exec: src/store/journal.ts → src/provider/client.ts',
      'run-only-from-cli: src/compare/load.ts → src/run/index.ts',
      'provider-knows-no-report: src/provider/client.ts → src/render/table.ts',
      'types-are-leaves: src/types/job.ts → src/exec/runner.ts',
    ];
    for (const line of broken) expect(failed).toContain(line);
    expect(failed).toMatch(/pure-core-no-http: src\/render\/table.ts → \S*node_modules\/ora\//);
  });
});
