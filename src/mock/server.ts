// The built-in OpenRouter-compatible simulator: real HTTP on loopback speaking OpenRouter's wire
// protocol, so agent-lab's real client runs against it. Used by `run --mock`, `mock-server`,
// the integration tests and the performance benchmark (which runs it in its own process).
import Big from 'big.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generationBody } from './accounting.js';
import { authError, handleChat, sendJson, type MockState } from './chat.js';
import { parseDirective } from './directive.js';
import { jsonError } from './faults.js';
import { now, type MockRequestLog } from './log.js';
import { modelsBody } from './models-body.js';
import { findModel } from './catalog.js';
import { endpointsBody } from './endpoints.js';

export type { MockRequestLog } from './log.js';
export { CATALOG, findModel, type MockModel, type MockPricing } from './catalog.js';
export { FAULT_KINDS, type FaultKind } from './directive.js';
export { NATIVE_COMPLETION_EXTRA, NATIVE_PROMPT_EXTRA } from './accounting.js';

export interface MockOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Override every model's time to first token, ms. */
  ttftMs?: number;
  /** Override every model's gap between tokens, ms. */
  itlMs?: number;
  /** Override the completion length (still capped by max_tokens). */
  tokens?: number;
  /** /generation answers 404 for this long after a stream ends. Default 250. */
  generationDelayMs?: number;
  /** `: OPENROUTER PROCESSING` lines before the first token. Default 1. */
  commentLines?: number;
  /** When set, chat and /generation requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** A fault directive applied to every chat request, e.g. "rate_limit times=1". */
  fault?: string;
  /** Most request-log entries kept (oldest dropped). Default 100 000. */
  logLimit?: number;
}

export interface MockServer {
  /** Base URL including /api/v1, e.g. http://127.0.0.1:40123/api/v1. */
  url: string;
  port: number;
  /** Chat requests in arrival order, updated live as each stream progresses. */
  requests: MockRequestLog[];
  /** What the simulator has billed so far (every stream, aborted and failed ones included), USD. */
  billing(): { usd: number; generations: number };
  close(): Promise<void>;
}

const PREFIX = '/api/v1';
const NOT_FOUND = jsonError(404, 'Resource not found');

export async function startMockServer(options: MockOptions = {}): Promise<MockServer> {
  const state: MockState = {
    apiKey: options.apiKey,
    plan: { ttftMs: options.ttftMs, itlMs: options.itlMs, tokens: options.tokens },
    generationDelayMs: options.generationDelayMs ?? 250,
    commentLines: options.commentLines ?? 1,
    // Parsed now, so a typo in --fault fails at start rather than on every request.
    serverFault: options.fault ? parseDirective(options.fault) : undefined,
    logLimit: options.logLimit ?? 100_000,
    requests: [],
    attempts: new Map(),
    generations: new Map(),
    billing: { usd: new Big(0), generations: 0 },
    streams: new Set(),
    seq: 0,
  };
  const models = modelsBody();
  const billing = () => ({ usd: state.billing.usd.toNumber(), generations: state.billing.generations });

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === `${PREFIX}/chat/completions`) return handleChat(state, req, res);
    if (method === 'GET' && path === `${PREFIX}/generation`) return generation(state, req, res, query);
    if (method === 'GET' && path === `${PREFIX}/models`) return sendJson(res, 200, models, { 'cache-control': 'public, max-age=300' });
    const endpoints = method === 'GET' ? ENDPOINTS_PATH.exec(path) : null;
    if (endpoints) return modelEndpoints(state, req, res, decodeURIComponent(endpoints[1]!));
    if (method === 'GET' && path === '/__mock/requests') {
      const since = Number(query.get('since') ?? 0);
      return sendJson(res, 200, JSON.stringify(since > 0 ? state.requests.filter((r) => r.seq > since) : state.requests));
    }
    if (method === 'GET' && path === '/__mock/billing') return sendJson(res, 200, JSON.stringify(billing()));
    if (method === 'POST' && path === '/__mock/reset') {
      state.requests.length = 0;
      state.attempts.clear();
      return sendJson(res, 200, '{"ok":true}');
    }
    req.resume();
    sendJson(res, 404, NOT_FOUND);
  };

  const server = createServer({ noDelay: true }, route);
  // Longer than a client's keep-alive, so pooled connections are never cut under the client.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep backlog: the benchmark opens thousands of connections at once.
    server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}${PREFIX}`,
    port: address.port,
    requests: state.requests,
    billing,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of state.streams) stream.stop();
        state.streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const ENDPOINTS_PATH = new RegExp(`^${PREFIX}/models/(.+)/endpoints$`);

/** GET /models/{id}/endpoints: each provider of the model, with its figures when the request has a key. */
function modelEndpoints(state: MockState, req: IncomingMessage, res: ServerResponse, id: string): void {
  const unauthorized = authError(state.apiKey, req);
  if (unauthorized) return sendJson(res, 401, unauthorized);
  const model = findModel(id);
  if (!model) return sendJson(res, 404, jsonError(404, `Model ${id} not found`));
  sendJson(res, 200, endpointsBody(model, req.headers.authorization !== undefined));
}

/** GET /generation: 404 until the record is ready (OpenRouter indexes it late), then the body. */
function generation(state: MockState, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
  const unauthorized = authError(state.apiKey, req);
  if (unauthorized) return sendJson(res, 401, unauthorized);
  const id = query.get('id');
  if (!id) return sendJson(res, 400, jsonError(400, 'Missing required query parameter: id'));
  const record = state.generations.get(id);
  if (!record || now() < record.ready_at) return sendJson(res, 404, NOT_FOUND);
  sendJson(res, 200, JSON.stringify({ data: generationBody(record) }));
}
