// The browser libraries the HTML pages inline, read from node_modules so a page opens offline.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const cache = new Map<string, Promise<string>>();

function read(file: string): Promise<string> {
  let text = cache.get(file);
  if (!text) cache.set(file, (text = readFile(file, 'utf8')));
  return text;
}

/** Chart.js's minified UMD build. Its package exports only the module builds, so go via the main entry's folder. */
export function chartJsSource(): Promise<string> {
  return read(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
}

/** marked, DOMPurify and jsdiff, in the order the page needs them (globals `marked`, `DOMPurify`, `Diff`). */
export function responsesLibSources(): Promise<string[]> {
  const folder = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));
  return Promise.all([
    read(join(folder('marked'), 'lib', 'marked.umd.js')),
    read(require.resolve('dompurify/purify.min.js')),
    read(join(folder('diff'), 'dist', 'diff.min.js')),
  ]);
}
