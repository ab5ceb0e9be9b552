// The chat request body, built once for the client and for the response cache's key, so the key
// is a hash of exactly what is sent.
import type { Message, Params } from '../types/job.js';

export interface ChatRequest {
  model: string;
  messages: Message[];
  params: Params;
  /** false: sent without `stream`, the answer read as one JSON body. Default true. */
  stream?: boolean;
  /** Sent as X-Agent-Lab-Job so a server log can be joined with results. */
  jobId?: string;
}

export function chatBody(request: ChatRequest): Record<string, unknown> {
  const { model, messages, params } = request;
  // Usage is always on today; older deployments needed one of these (wire reference §2).
  if (request.stream !== false) return { model, messages, ...params, stream: true, usage: { include: true }, stream_options: { include_usage: true } };
  // OpenAI-compatible servers refuse stream_options without stream, and an absent `stream` is
  // false: the request carries neither.
  const { stream: _stream, stream_options: _options, ...rest } = params;
  return { model, messages, ...rest, usage: { include: true } };
}
