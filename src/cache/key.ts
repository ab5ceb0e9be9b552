// Pure: sha256 of the endpoint and the canonical request body. The API key is a header, so never in the key.
import { createHash } from 'node:crypto';
import { canonical } from '../config/matrix.js';
import { chatBody } from '../provider/request.js';
import { redact } from '../log.js';
import type { Job } from '../types/job.js';

/** The simulator's port changes every run: its answers are keyed by this name instead. */
export const SIMULATOR_BASE = 'agent-lab:simulator';

export function keyBase(baseUrl: string): string {
  return redact(baseUrl.replace(/\/+$/, ''));
}

/** Each repeat has its own answer unless `sharedRepeats`; repeat 0's key never has the index, so both share it. */
export function cacheKey(base: string, job: Pick<Job, 'model' | 'messages' | 'params' | 'stream' | 'repeat'>, sharedRepeats: boolean): string {
  const body = chatBody({ model: job.model, messages: job.messages, params: job.params, stream: job.stream });
  const text = JSON.stringify(canonical({ base, body, ...(sharedRepeats || job.repeat === 0 ? {} : { repeat: job.repeat }) }));
  return createHash('sha256').update(text).digest('hex');
}
