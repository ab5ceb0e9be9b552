// Progress on stderr: an ora spinner on a terminal, a plain line every few seconds otherwise
// (CI logs). Rendering is throttled so it never costs the run anything measurable.
import type { Writer } from '../env.js';
import type { JobResult } from '../types/result.js';

export interface Progress {
  tick(row: JobResult): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 5000;
const TTY_EVERY_MS = 100;

export function createProgress(out: Writer, total: number, now: () => number): Progress {
  let done = 0;
  let errors = 0;
  let last = now();
  const start = last;
  let spinner: { text: string; stop(): void } | null = null;
  const text = () => `${done}/${total} jobs${errors ? `, ${errors} failed` : ''} · ${((now() - start) / 1000).toFixed(1)} s`;
  if (out.isTTY && total > 0) {
    // ora is only loaded on a terminal: it is the slowest import we have.
    void import('ora').then(({ default: ora }) => {
      if (done < total) spinner = ora({ text: text(), stream: process.stderr }).start();
    });
  }
  return {
    tick(row) {
      done++;
      if (row.status === 'error') errors++;
      const t = now();
      if (spinner && t - last >= TTY_EVERY_MS) {
        spinner.text = text();
        last = t;
      } else if (!out.isTTY && t - last >= PLAIN_EVERY_MS) {
        out.write(`agent-lab: ${text()}\n`);
        last = t;
      }
    },
    stop() {
      spinner?.stop();
      spinner = null;
      if (!out.isTTY && total > 0) out.write(`agent-lab: ${text()}\n`);
    },
  };
}
