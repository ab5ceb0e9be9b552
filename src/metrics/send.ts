// The I/O of the metrics export: the textfile (written whole, then renamed, so the collector
// never reads half a file), the Pushgateway PUT and the OTLP POST, each retried with undici's
// backoff on the statuses a gateway or collector means as "later" (429, 502, 503, 504) and on
// network errors. A failure throws; publish.ts turns it into a warning.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Dispatcher, RetryHandler } from 'undici';
import { proxyDispatcher } from '../provider/proxy.js';
import { request, retrying } from '../provider/undici.js';
import { writeAtomic } from '../store/write.js';
import { OTLP_CONTENT_TYPE } from './otlp.js';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.js';

export interface SendOptions {
  /** HTTP_PROXY / NO_PROXY come from here. */
  vars: Record<string, string | undefined>;
  /** Retries after the first attempt (default 3) and the first backoff (default 500 ms, doubling). */
  retries?: number;
  minBackoffMs?: number;
  /** Per attempt, for the headers and for the body (default 10 s). */
  timeoutMs?: number;
}

export async function writeTextfile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeAtomic(file, text);
}

/**
 * PUT replaces every metric of the group {job, suite}, so series of models no longer in the
 * suite disappear. A label value with `/` (or an empty one) goes base64url, as the gateway asks.
 */
export function pushgatewayUrl(base: string, job: string, suite: string): string {
  const part = (name: string, value: string) => (value === '' || value.includes('/') ? `${name}@base64/${Buffer.from(value).toString('base64url') || '='}` : `${name}/${encodeURIComponent(value)}`);
  return `${base}/metrics/${part('job', job)}/${part('suite', suite)}`;
}

export async function pushToGateway(url: string, text: string, headers: Record<string, string>, options: SendOptions): Promise<void> {
  await send(url, 'PUT', text, { ...headers, 'content-type': PROMETHEUS_CONTENT_TYPE }, options);
}

/** Returns the collector's partial-success note (points it rejected), or null when it took all. */
export async function postOtlp(url: string, json: string, headers: Record<string, string>, options: SendOptions): Promise<string | null> {
  const body = await send(url, 'POST', json, { ...headers, 'content-type': OTLP_CONTENT_TYPE }, options);
  let partial: { rejectedDataPoints?: string | number; errorMessage?: string } | undefined;
  try {
    partial = (JSON.parse(body) as { partialSuccess?: typeof partial }).partialSuccess;
  } catch {
    return null; // an empty or non-JSON 2xx body: accepted
  }
  const rejected = Number(partial?.rejectedDataPoints ?? 0);
  return rejected > 0 || partial?.errorMessage ? `the collector rejected ${rejected} data point(s)${partial?.errorMessage ? `: ${partial.errorMessage}` : ''}` : null;
}

async function send(url: string, method: 'PUT' | 'POST', body: string, headers: Record<string, string>, options: SendOptions): Promise<string> {
  const retries = options.retries ?? 3;
  const minTimeout = options.minBackoffMs ?? 500;
  const retry: RetryHandler.RetryOptions = { maxRetries: retries, minTimeout, maxTimeout: minTimeout * 20, methods: [method], statusCodes: [429, 502, 503, 504] };
  const timeout = options.timeoutMs ?? 10_000;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, { method, body, headers, dispatcher: retrying(proxyDispatcher(options.vars), retry), headersTimeout: timeout, bodyTimeout: timeout });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    throw new Error(status ? `HTTP ${status} after ${retries + 1} attempts` : `${(error as Error).message} (after up to ${retries + 1} attempts)`);
  }
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}${text.trim() ? `: ${text.trim().slice(0, 300)}` : ''}`);
  return text;
}
