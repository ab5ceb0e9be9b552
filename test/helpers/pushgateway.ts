// The real Prometheus Pushgateway (Debian's prometheus-pushgateway, installed by .ci/run) on a
// loopback port, without persistence. `null` with the reason when the binary is not there, so the
// tests that need it say they skipped and why.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { waitFor } from './wait.js';

export const PUSHGATEWAY_BIN = '/usr/bin/prometheus-pushgateway';

export interface Pushgateway {
  url: string;
  /** The gateway's own /metrics, as Prometheus would scrape it. */
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

export const pushgatewayMissing = (): string | null => (existsSync(PUSHGATEWAY_BIN) ? null : `${PUSHGATEWAY_BIN} is not installed (Debian package prometheus-pushgateway; .ci/run installs it)`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export async function startPushgateway(): Promise<Pushgateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // An empty --persistence.file keeps the metrics in memory: Debian's default is a file in
  // /var/lib/prometheus, which every test run would share (and read back at start).
  const child: ChildProcess = spawn(PUSHGATEWAY_BIN, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`prometheus-pushgateway exited (${child.exitCode}): ${log}`);
      return fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    },
    { what: 'the Pushgateway to be ready', timeout: 15_000, interval: 50 },
  );
  return {
    url,
    scrape: async () => (await fetch(`${url}/metrics`)).text(),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
