// Content-Encoding that agent-lab never asks for (it sends no Accept-Encoding) yet gets from some
// proxies and gateways: gzip, deflate and br are decoded; anything else is named in the message.
// undici's dispatch API, unlike fetch, hands over the bytes as they came on the wire.
import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';

// Loaded on the first encoded body: a run that never sees one (nearly all) does not pay for zlib at start-up.
let loaded: typeof Zlib | null = null;
const zlib = (): typeof Zlib => (loaded ??= createRequire(import.meta.url)('node:zlib') as typeof Zlib);

type Headers = Record<string, string | string[]>;

const DECODABLE = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/** The body's content coding, lower-case; null for none or `identity`. */
export function contentEncoding(headers: Headers): string | null {
  const raw = headers['content-encoding'];
  const value = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).trim().toLowerCase();
  return value === '' || value === 'identity' ? null : value;
}

export function decodable(encoding: string): boolean {
  return DECODABLE.has(encoding);
}

/** A whole (short) body as text, decoded to at most `limit` bytes; a body that does not decode says so. */
export function decodeText(body: Buffer, encoding: string | null, limit: number): string {
  if (encoding === null) return body.toString('utf8');
  if (!decodable(encoding)) return `(a body in content-encoding "${encoding}", which agent-lab cannot read)`;
  // Z_SYNC_FLUSH: a cut body (the text limit) still gives its start.
  const z = zlib();
  const options: Zlib.ZlibOptions = { maxOutputLength: limit, finishFlush: z.constants.Z_SYNC_FLUSH };
  try {
    const decoded = encoding === 'br' ? z.brotliDecompressSync(body, { maxOutputLength: limit }) : encoding === 'deflate' ? z.inflateSync(body, options) : z.gunzipSync(body, options);
    return decoded.toString('utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return `(a body in content-encoding "${encoding}" of more than ${limit} bytes once decoded)`;
    return `(a body in content-encoding "${encoding}" that does not decode: ${(error as Error).message})`;
  }
}

export interface StreamDecoder {
  write(chunk: Buffer): void;
  /** Flushes; resolves with why the encoded stream was broken, or null when it was whole. */
  end(): Promise<string | null>;
}

/** Decodes a streamed body chunk by chunk; decoded bytes go to `onData` as they come out. */
export function streamDecoder(encoding: string, onData: (chunk: Buffer) => void): StreamDecoder {
  const z = zlib();
  const inflate = encoding === 'br' ? z.createBrotliDecompress() : encoding === 'deflate' ? z.createInflate() : z.createGunzip();
  let broken: string | null = null;
  inflate.on('data', onData);
  inflate.on('error', (error: Error) => (broken ??= `the ${encoding} body does not decode (${error.message})`));
  return {
    write(chunk) {
      if (broken === null) inflate.write(chunk);
    },
    end() {
      if (broken !== null) return Promise.resolve(broken);
      return new Promise((resolve) => {
        inflate.once('end', () => resolve(broken));
        inflate.once('error', () => resolve(broken));
        inflate.end();
      });
    },
  };
}
