// GET /generation?id= on its own pool: the status and the parsed JSON body (null if it is not
// JSON). A record is a few KB: a bigger answer is not one and is not read to its end.
import type { Dispatcher } from 'undici';
import { contentEncoding, decodeText } from './encoding.js';

const LOOKUP_LIMIT = 1024 * 1024;

export interface LookupRequest {
  origin: string;
  path: string;
  headers: Record<string, string>;
  timeouts: { ttft_ms: number; idle_ms: number };
  signal?: AbortSignal;
}

export async function lookupGeneration(dispatcher: Dispatcher, req: LookupRequest): Promise<{ status: number; body: unknown }> {
  const res = await dispatcher.request({
    origin: req.origin,
    path: req.path,
    method: 'GET',
    headers: req.headers,
    signal: req.signal,
    headersTimeout: req.timeouts.ttft_ms,
    bodyTimeout: req.timeouts.idle_ms,
  });
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LOOKUP_LIMIT) {
      res.body.destroy();
      return { status: res.statusCode, body: null };
    }
    parts.push(chunk);
  }
  try {
    return { status: res.statusCode, body: JSON.parse(decodeText(Buffer.concat(parts), contentEncoding(res.headers as Record<string, string | string[]>), LOOKUP_LIMIT)) as unknown };
  } catch {
    return { status: res.statusCode, body: null };
  }
}
