// Writes one planned answer as OpenRouter's SSE stream (wire reference §1.3–1.8), on a
// schedule: token i is due at start + ttft + i × itl. Each wake-up writes every event that is
// due in one res.write, so itl=0 sends the whole answer at once and a late timer catches up
// instead of drifting. One setTimeout chain per stream; nothing per token when itl is 0.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { now } from './log.js';
import type { Plan } from './plan.js';

export interface StreamFault {
  kind: 'midstream_error' | 'reset' | 'stall' | 'malformed';
  /** Tokens sent before the fault. */
  after: number;
  /** How long a stall lasts. */
  ms: number;
}

export type StreamOutcome = 'complete' | 'error' | 'reset' | 'stall' | 'aborted';

export interface StreamSpec {
  id: string;
  created: number;
  plan: Plan;
  usageJson: string;
  commentLines: number;
  fault: StreamFault | null;
  /** Epoch ms the schedule counts from: when the request arrived. */
  startAt: number;
}

export interface StreamEvents {
  firstByte(at: number): void;
  firstToken(at: number): void;
  firstContent(at: number): void;
  /** `emitted` counts reasoning and content tokens sent (or silently produced). */
  end(at: number, outcome: StreamOutcome, emitted: number, reasoningEmitted: number): void;
}

const COMMENT = ': OPENROUTER PROCESSING\n\n';
const DONE = 'data: [DONE]\n\n';
/** Streams at least this long get one keep-alive comment in the middle, as recorded (REC 04). */
const MID_COMMENT_MIN_TOKENS = 20;

/** An RST, like a dropped upstream; older Nodes without it get a plain destroy. */
export function kill(socket: Socket | null): void {
  if (!socket || socket.destroyed) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

export function streamAnswer(res: ServerResponse, spec: StreamSpec, events: StreamEvents): { stop(): void } {
  const { plan, fault } = spec;
  const j = JSON.stringify;
  const head =
    `data: {"id":${j(spec.id)},"object":"chat.completion.chunk","created":${spec.created},"model":${j(plan.served.canonical_slug)},` +
    `"provider":${j(plan.provider)},"system_fingerprint":${j(plan.served.system_fingerprint)},"choices":[{"index":0,"delta":{`;
  const open = '"finish_reason":null,"native_finish_reason":null}]}\n\n';
  const format = j(plan.served.reasoning?.format ?? 'unknown');
  const nReasoning = plan.reasoning.length;
  const nText = nReasoning + plan.content.length;
  const total = nText + plan.toolDeltas.length;
  const faultAt = fault ? Math.min(fault.after, total) : -1;
  const commentAt = spec.commentLines > 0 && total >= MID_COMMENT_MIN_TOKENS ? Math.floor(total / 2) : -1;
  const due = (k: number) => spec.startAt + plan.ttftMs + k * plan.itlMs;

  let i = 0;
  let done = false;
  let faultFired = false;
  let wroteByte = false;
  let wroteToken = false;
  let wroteContent = false;
  let timer: NodeJS.Timeout | undefined;
  let pending = COMMENT.repeat(spec.commentLines);

  const finish = (outcome: StreamOutcome) => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    events.end(now(), outcome, i, Math.min(i, nReasoning));
  };

  function token(k: number): string {
    if (k < nReasoning) {
      if (plan.hideReasoning) return '';
      const t = j(plan.reasoning[k]);
      return `${head}"content":"","role":"assistant","reasoning":${t},"reasoning_details":[{"type":"reasoning.text","text":${t},"format":${format},"index":0}]},${open}`;
    }
    if (k >= nText) return `${head}"role":"assistant","tool_calls":${plan.toolDeltas[k - nText]}},${open}`;
    return `${head}"content":${j(plan.content[k - nReasoning])},"role":"assistant"},${open}`;
  }

  function ending(): string {
    const close = `${head}"content":"","role":"assistant"},"finish_reason":${j(plan.finish)},"native_finish_reason":${j(plan.nativeFinish)}}]`;
    return `${close}}\n\n${close},"usage":${spec.usageJson}}\n\n${DONE}`;
  }

  function errorChunk(): string {
    const error = { code: 502, message: 'Provider disconnected unexpectedly (simulated midstream_error)', metadata: { error_type: 'provider_error' } };
    const chunk = { id: spec.id, object: 'chat.completion.chunk', created: spec.created, model: plan.served.canonical_slug, provider: plan.provider, error };
    return `data: ${j({ ...chunk, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }] })}\n\n${DONE}`;
  }

  function write(out: string, last: boolean, flushed?: () => void): void {
    if (!out) return;
    if (last) res.end(out);
    else res.write(out, flushed);
    const at = now();
    if (!wroteByte) events.firstByte(at);
    if (!wroteToken && i > 0 && (i > nReasoning || !plan.hideReasoning)) events.firstToken(at);
    if (!wroteContent && i > nReasoning) events.firstContent(at);
    wroteByte = true;
    wroteToken ||= i > 0 && (i > nReasoning || !plan.hideReasoning);
    wroteContent ||= i > nReasoning;
  }

  function pump(): void {
    timer = undefined;
    if (done) return;
    let out = pending;
    pending = '';
    const t = now();
    while (true) {
      if (i === faultAt && !faultFired && fault) {
        faultFired = true;
        if (fault.kind === 'malformed') {
          out += 'data: {not json\n\n';
          continue;
        }
        if (fault.kind === 'midstream_error') {
          write(out + errorChunk(), true);
          return finish('error');
        }
        const socket = res.socket;
        if (fault.kind === 'reset') {
          finish('reset');
          // Destroy only once the status line and the tokens are on the socket, not on a guess
          // of a tick. A keep-alive comment gives the write something to carry when the fault
          // falls between two timer wake-ups (nothing else left to write).
          write(out || COMMENT, false, () => setImmediate(() => kill(socket)));
          return;
        }
        write(out, false);
        timer = setTimeout(() => {
          res.end();
          finish('stall');
        }, fault.ms);
        return;
      }
      if (i === total) {
        write(out + ending(), true);
        return finish('complete');
      }
      // 1 ms tolerance: timers fire on a whole-millisecond clock and may wake a hair early.
      if (due(i) > t + 1) break;
      if (i === commentAt) out += COMMENT;
      out += token(i);
      i++;
    }
    write(out, false);
    timer = setTimeout(pump, Math.max(0, due(i) - now()));
  }

  res.on('close', () => finish('aborted'));
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-generation-id': spec.id,
  });
  if (due(0) <= now() + 1) pump();
  else {
    // Headers and the keep-alive comments go out at once, as OpenRouter's do.
    if (pending) write(pending, false);
    else {
      res.flushHeaders();
      events.firstByte(now());
      wroteByte = true;
    }
    pending = '';
    timer = setTimeout(pump, due(0) - now());
  }
  return { stop: () => finish('aborted') };
}
