// `npm run build`, second half: dist/cli.js as one bundle (esbuild) instead of ~300 files. Node 20
// has no compile cache, and resolving, reading and linking every module of a `run` (zod alone is
// 95 files) was most of its start-up (docs/performance.md). Each command stays its own chunk,
// loaded by cli/main.ts's dynamic import, so `--version` loads none of them. tsc's dist/ stays for the
// programmatic API (dist/index.js) and its types; only the bin is replaced.
import { build } from 'esbuild';
import { readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The chunks of an earlier build (their names carry a content hash).
for (const name of await readdir(`${root}dist`).catch(() => [])) if (/^cli-.*\.js$/.test(name)) await rm(`${root}dist/${name}`);
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  // Chunks sit beside cli.js, one level below the package root: version.ts finds ../package.json
  // and createRequire() finds node_modules from there, as from tsc's files.
  chunkNames: 'cli-[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The bundled CommonJS packages (yaml, commander) call require(); ESM has none of its own.
  banner: { js: "import { createRequire as __agentLabRequire } from 'node:module';\nconst require = __agentLabRequire(import.meta.url);" },
  allowOverwrite: true,
  logLevel: 'warning',
});
