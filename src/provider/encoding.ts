// Content-Encoding that agent-lab never asks for (it sends no Accept-Encoding) yet gets from some
// proxies and gateways: gzip, deflate and br are decoded; anything else is named in the message.
// undici's dispatch API, unlike fetch, hands over the bytes as they came on the wire.
import { brotliDecompressSync, constants, createBrotliDecompress, createGunzip, createInflate, gunzipSync, inflateSync, type ZlibOptions } from 'node:zlib';

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
  const options: ZlibOptions = { maxOutputLength: limit, finishFlush: constants.Z_SYNC_FLUSH };
  try {
    const decoded = encoding === 'br' ? brotliDecompressSync(body, { maxOutputLength: limit }) : encoding === 'deflate' ? inflateSync(body, options) : gunzipSync(body, options);
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
  const zlib = encoding === 'br' ? createBrotliDecompress() : encoding === 'deflate' ? createInflate() : createGunzip();
  let broken: string | null = null;
  zlib.on('data', onData);
  zlib.on('error', (error: Error) => (broken ??= `the ${encoding} body does not decode (${error.message})`));
  return {
    write(chunk) {
      if (broken === null) zlib.write(chunk);
    },
    end() {
      if (broken !== null) return Promise.resolve(broken);
      return new Promise((resolve) => {
        zlib.once('end', () => resolve(broken));
        zlib.once('error', () => resolve(broken));
        zlib.end();
      });
    },
  };
}
