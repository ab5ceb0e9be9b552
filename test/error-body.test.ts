// Non-2xx bodies → ApiError, and the status → ErrorKind table (wire §5). The bodies are the
// shapes OpenRouter documents plus what a proxy in front of it sends instead.
import { describe, expect, it } from 'vitest';
import { kindForStatus, parseErrorBody } from '../src/provider/error-body.js';

describe('kindForStatus', () => {
  const table: [number[], string][] = [
    [[401, 403], 'auth'],
    [[402], 'credits'],
    [[429], 'rate_limit'],
    [[400, 404, 413, 422, 409, 418, 451], 'bad_request'],
    // A redirect is an address to fix, not a fault to wait out (issue 15.5: a 307 was retried 4×).
    [[301, 302, 303, 307, 308], 'bad_request'],
    [[408, 500, 502, 503, 504, 524, 529], 'server'],
    // Not an answer at all: whatever sits in between misbehaved.
    [[101], 'server'],
  ];
  for (const [statuses, kind] of table) {
    it(`${statuses.join(', ')} → ${kind}`, () => {
      for (const status of statuses) expect(kindForStatus(status), String(status)).toBe(kind);
    });
  }
});

describe('parseErrorBody', () => {
  it('reads the documented shape and keeps every metadata key', () => {
    const body = JSON.stringify({
      error: { code: 403, message: 'Input flagged', metadata: { reasons: ['violence'], flagged_input: 'x', provider_name: 'OpenAI', model_slug: 'openai/gpt-4o' } },
      user_id: 'user_x',
    });
    expect(parseErrorBody(403, body)).toEqual({
      code: 403,
      message: 'Input flagged',
      metadata: { reasons: ['violence'], flagged_input: 'x', provider_name: 'OpenAI', model_slug: 'openai/gpt-4o' },
    });
  });

  it('keeps the free-tier rate-limit headers that arrive inside metadata', () => {
    const headers = { 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1788825600000' };
    const body = JSON.stringify({ error: { code: 429, message: 'Rate limit exceeded: free-models-per-day', metadata: { headers } } });
    expect(parseErrorBody(429, body).metadata).toEqual({ headers });
  });

  it('falls back to http_status, then the HTTP status, when an availability error has no code', () => {
    const availability = { code: 'model_not_found', retryable: false, requested_models: ['x/none'] };
    const body = JSON.stringify({ error: { error_type: 'not_found', http_status: 404, message: 'No such model: x/none', availability } });
    expect(parseErrorBody(404, body)).toEqual({
      code: 404,
      message: 'No such model: x/none',
      metadata: { error_type: 'not_found', availability },
    });
    const noStatus = JSON.stringify({ error: { error_type: 'provider_overloaded' } });
    expect(parseErrorBody(503, noStatus)).toEqual({
      code: 503,
      message: 'HTTP 503 Service Unavailable (provider_overloaded)',
      metadata: { error_type: 'provider_overloaded' },
    });
  });

  it('moves a string error code into metadata and uses the status as the code', () => {
    const body = JSON.stringify({ error: { code: 'server_error', message: '  Internal error  ' } });
    expect(parseErrorBody(500, body)).toEqual({ code: 500, message: 'Internal error', metadata: { code: 'server_error' } });
  });

  it('reads the generic gateway shapes {"error":"…"} and {"message":"…"}', () => {
    expect(parseErrorBody(401, '{"error":"Unauthorized"}')).toEqual({ code: 401, message: 'Unauthorized', metadata: null });
    expect(parseErrorBody(413, '{"message":"Body too large"}')).toEqual({ code: 413, message: 'Body too large', metadata: null });
  });

  it('quotes the visible text of an HTML page from a proxy, without tags, styles or scripts', () => {
    const html =
      '<html>\r\n<head><title>502 Bad Gateway</title><style>body { color: red }</style></head>\r\n' +
      '<body><script>var x = 1;</script><center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';
    expect(parseErrorBody(502, html)).toEqual({
      code: 502,
      message: 'HTTP 502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway cloudflare',
      metadata: null,
    });
  });

  it('cuts a long non-JSON body short', () => {
    const { message } = parseErrorBody(500, `upstream said: ${'blah '.repeat(500)}`);
    expect(message.startsWith('HTTP 500 Internal Server Error: upstream said: blah blah')).toBe(true);
    expect(message.endsWith('…')).toBe(true);
    expect(message.length).toBeLessThan(220);
  });

  it('gives the bare status line for an empty body, JSON without an error, and unknown statuses', () => {
    expect(parseErrorBody(503, '')).toEqual({ code: 503, message: 'HTTP 503 Service Unavailable', metadata: null });
    expect(parseErrorBody(599, '   \n')).toEqual({ code: 599, message: 'HTTP 599', metadata: null });
    expect(parseErrorBody(500, '{"error":{"code":500,"message":""}}')).toEqual({ code: 500, message: 'HTTP 500 Internal Server Error', metadata: null });
    expect(parseErrorBody(502, '[1,2]').message).toBe('HTTP 502 Bad Gateway: [1,2]');
  });
});
