// A planned answer to a request without `stream`: one `chat.completion` JSON body, written when
// the last token would have been streamed (the model generates it all first). Each stream fault
// has its non-streamed form, so a run without streaming meets the same failures:
//   midstream_error → a 200 whose body is an error object (the generation failed after it began)
//   reset           → the status line and the start of the body, then a reset connection
//   stall           → the status line and the start of the body, then silence for `ms`, then the end
//   malformed       → a 200 whose body is not valid JSON
import type { ServerResponse } from 'node:http';
import { now } from './log.js';
import { kill, type StreamEvents, type StreamOutcome, type StreamSpec } from './stream.js';

export function answerWhole(res: ServerResponse, spec: StreamSpec, events: StreamEvents): { stop(): void } {
  const { plan, fault } = spec;
  const j = JSON.stringify;
  const nReasoning = plan.reasoning.length;
  const total = nReasoning + plan.content.length + plan.toolDeltas.length;
  const faultAt = fault ? Math.min(fault.after, total) : -1;
  // When token k would be streamed; the answer is whole once its last token is due.
  const due = (k: number) => spec.startAt + plan.ttftMs + Math.max(0, k - 1) * plan.itlMs;
  const head = `{"id":${j(spec.id)},"object":"chat.completion","created":${spec.created},"model":${j(plan.served.canonical_slug)},"provider":${j(plan.provider)},"system_fingerprint":${j(plan.served.system_fingerprint)},`;
  let done = false;
  let timer: NodeJS.Timeout | undefined;

  const finish = (outcome: StreamOutcome, emitted: number) => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    events.end(now(), outcome, emitted, Math.min(emitted, nReasoning));
  };
  const start = (body: string, last: boolean, flushed?: () => void) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-generation-id': spec.id });
    if (last) res.end(body);
    else res.write(body, flushed);
    const at = now();
    events.firstByte(at);
    if (!last) return;
    // The tokens arrive with the body, all at once.
    if (plan.content.length > 0 || plan.toolCalls.length > 0 || (nReasoning > 0 && !plan.hideReasoning)) events.firstToken(at);
    if (plan.content.length > 0) events.firstContent(at);
  };

  function answer(): string {
    const reasoningText = plan.reasoning.join('');
    const reasoning = nReasoning === 0 || plan.hideReasoning ? ',"reasoning":null' : `,"reasoning":${j(reasoningText)},"reasoning_details":[{"type":"reasoning.text","text":${j(reasoningText)},"format":${j(plan.served.reasoning?.format ?? 'unknown')},"index":0}]`;
    const calls = plan.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    const tools = calls.length ? `,"tool_calls":${j(calls)}` : '';
    const message = `{"role":"assistant","content":${calls.length ? 'null' : j(plan.content.join(''))},"refusal":null${reasoning}${tools}}`;
    return `${head}"choices":[{"index":0,"logprobs":null,"finish_reason":${j(plan.finish)},"native_finish_reason":${j(plan.nativeFinish)},"message":${message}}],"usage":${spec.usageJson}}`;
  }

  function errorBody(): string {
    const error = { code: 502, message: 'Provider disconnected unexpectedly (simulated midstream_error)', metadata: { error_type: 'provider_error' } };
    return `${head}"error":${j(error)},"choices":[{"index":0,"finish_reason":"error","native_finish_reason":"error","message":{"role":"assistant","content":""}}]}`;
  }

  function fire(): void {
    timer = undefined;
    if (done) return;
    switch (fault?.kind) {
      case 'midstream_error':
        start(errorBody(), true);
        return finish('error', faultAt);
      case 'reset': {
        const socket = res.socket;
        finish('reset', faultAt);
        // Reset only once the status line and the start of the body are on the socket.
        return start(head, false, () => setImmediate(() => kill(socket)));
      }
      case 'stall':
        start(head, false);
        timer = setTimeout(() => {
          res.end();
          finish('stall', faultAt);
        }, fault.ms);
        return;
      case 'malformed':
        start(`${head}{not json`, true);
        return finish('complete', total);
      default:
        start(answer(), true);
        return finish('complete', total);
    }
  }

  res.on('close', () => finish('aborted', 0));
  const at = fault && fault.kind !== 'malformed' ? due(faultAt) : due(total);
  timer = setTimeout(fire, Math.max(0, at - now()));
  return { stop: () => finish('aborted', 0) };
}
