// Standalone entry for the simulator in its own process (`node dist/mock/main.js --port 0`),
// so a benchmark's client and server do not share an event loop.
import { parseArgs } from 'node:util';
import { startMockServer } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    ttft: { type: 'string' },
    itl: { type: 'string' },
    tokens: { type: 'string' },
    'generation-delay': { type: 'string' },
    fault: { type: 'string' },
  },
});

function num(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`Expected \`--${name}\` to be a number from 0 and up, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const server = await startMockServer({
  host: values.host,
  port: num('port', values.port),
  ttftMs: num('ttft', values.ttft),
  itlMs: num('itl', values.itl),
  tokens: num('tokens', values.tokens),
  generationDelayMs: num('generation-delay', values['generation-delay']),
  fault: values.fault,
}).catch((err: unknown) => {
  // A bad --fault or a busy port: one line, not a stack.
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
process.stdout.write(`mock server listening on ${server.url}\n`);

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
