// vitest globalSetup: refuse to start on a stale build (test/helpers/cli.ts checks again at each spawn, for watch mode).
import { staleDist } from './helpers/dist.js';

export default function setup(): void {
  const stale = staleDist();
  if (stale) throw new Error(stale);
}
