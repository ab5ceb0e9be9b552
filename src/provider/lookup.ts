// GET /generation?id= on its own pool: the status and the parsed JSON body (null if it is not
// JSON). A record is a few KB: a bigger answer is not one and is not read to its end. Through
// send.ts's dispatch handler, like the chat requests: one a job, and undici's request() made a
// Readable stream and an async iterator for each (bench overhead profile).
import type { Dispatcher } from 'undici';
import { contentEncoding, decodeText } from './encoding.js';
import { send } from './send.js';

const LOOKUP_LIMIT = 1024 * 1024;

export interface LookupRequest {
  origin: string;
  path: string;
  headers: Record<string, string>;
  timeouts: { ttft_ms: number; idle_ms: number };
  signal?: AbortSignal;
}

export async function lookupGeneration(dispatcher: Dispatcher, req: LookupRequest): Promise<{ status: number; body: unknown }> {
  const res = await send(
    dispatcher,
    { origin: req.origin, path: req.path, method: 'GET', headers: req.headers, headersTimeout: req.timeouts.ttft_ms, bodyTimeout: req.timeouts.idle_ms },
    { now: () => 0, onHeaders: () => 'text', onChunk: () => {}, textLimit: LOOKUP_LIMIT, signal: req.signal },
    { sentAt: null, bytes: 0 },
  );
  if (res.truncated || res.text === null) return { status: res.status, body: null };
  try {
    return { status: res.status, body: JSON.parse(decodeText(res.text, contentEncoding(res.headers), LOOKUP_LIMIT)) as unknown };
  } catch {
    return { status: res.status, body: null };
  }
}
