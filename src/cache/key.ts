// Pure: the response cache's key, a sha256 of the endpoint and the exact request body in
// canonical form (keys sorted). The API key is a header, never in the body, so never in the key.
import { createHash } from 'node:crypto';
import { canonical } from '../config/matrix.js';
import { chatBody } from '../provider/request.js';
import { redact } from '../log.js';
import type { Job } from '../types/job.js';

/** The simulator's port changes every run: its answers are keyed by this name instead. */
export const SIMULATOR_BASE = 'agent-lab:simulator';

/** The endpoint as the key names it: no trailing slash, no `user:password@`. */
export function keyBase(baseUrl: string): string {
  return redact(baseUrl.replace(/\/+$/, ''));
}

/**
 * A repeat is another measurement of the same request, so by default its index is part of the
 * key (each repeat has its own answer); `sharedRepeats` leaves it out. Repeat 0's key never has
 * it, so shared repeats reuse the answer any run stored for a first repeat.
 */
export function cacheKey(base: string, job: Pick<Job, 'model' | 'messages' | 'params' | 'stream' | 'repeat'>, sharedRepeats: boolean): string {
  const body = chatBody({ model: job.model, messages: job.messages, params: job.params, stream: job.stream });
  const text = JSON.stringify(canonical({ base, body, ...(sharedRepeats || job.repeat === 0 ? {} : { repeat: job.repeat }) }));
  return createHash('sha256').update(text).digest('hex');
}
