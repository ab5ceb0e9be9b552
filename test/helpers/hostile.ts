// A loopback HTTP server written to misbehave: each test gives the handler that answers, and the
// server records what it was sent. Its base URL ends in /api/v1 like OpenRouter's.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Seen {
  method: string;
  /** Path after /api/v1, with the query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Hostile {
  /** http://127.0.0.1:PORT/api/v1 */
  url: string;
  requests: Seen[];
  close(): Promise<void>;
}

export type Handler = (seen: Seen, res: ServerResponse, req: IncomingMessage) => void;

export async function hostileServer(handler: Handler): Promise<Hostile> {
  const requests: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const seen = { method: req.method ?? '', path: (req.url ?? '').replace(/^\/api\/v1/, ''), headers: req.headers, body: Buffer.concat(parts).toString() };
      requests.push(seen);
      handler(seen, res, req);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The last user message of a chat request body ('' for anything else). */
export function promptOf(seen: Seen): string {
  try {
    const messages = (JSON.parse(seen.body) as { messages?: { content?: unknown }[] }).messages ?? [];
    const last = messages.at(-1)?.content;
    return typeof last === 'string' ? last : '';
  } catch {
    return '';
  }
}

/** One SSE data event of a chat-completion chunk carrying `content`. */
export function contentEvent(content: string, extra: Record<string, unknown> = {}): string {
  const chunk = { id: 'gen-hostile-1', object: 'chat.completion.chunk', model: 'hostile/model', choices: [{ index: 0, delta: { content }, finish_reason: null }], ...extra };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The closing events of a good stream: a finish chunk with usage, then [DONE]. */
export function finishEvents(completionTokens = 1): string {
  const usage = { prompt_tokens: 5, completion_tokens: completionTokens, total_tokens: 5 + completionTokens, cost: 0.00001 };
  const chunk = { id: 'gen-hostile-1', object: 'chat.completion.chunk', model: 'hostile/model', choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }], usage };
  return `data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`;
}
