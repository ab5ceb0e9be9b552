// With --mock, one built-in simulator serves the whole command: /models for the preflight and
// the prices, then the chat requests. It is closed however the command ends.
import type { EndpointOptions } from './options.js';

export async function withSimulator<T>(options: EndpointOptions, body: (url: string | null) => Promise<T>): Promise<T> {
  if (!options.mock) return body(null);
  const { startMockServer } = await import('../mock/server.js');
  const simulator = await startMockServer(options.mockOptions);
  try {
    return await body(simulator.url);
  } finally {
    await simulator.close();
  }
}
