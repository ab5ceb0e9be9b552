// With --mock, one built-in simulator serves the whole command: /models for the preflight and
// the prices, then the chat requests. It is closed however the command ends.
import type { EndpointOptions } from './options.js';

export async function withSimulator<T>(options: EndpointOptions, body: (url: string | null) => Promise<T>): Promise<T> {
  if (!options.mock) return body(null);
  const { startMockServer } = await import('../mock/server.js');
  // Nobody reads this simulator's request log (it lives and dies with the command): keep a
  // window of it, not one entry (with its messages) per job of a 100,000-job run.
  const simulator = await startMockServer({ logLimit: 10_000, ...options.mockOptions });
  try {
    return await body(simulator.url);
  } finally {
    await simulator.close();
  }
}
