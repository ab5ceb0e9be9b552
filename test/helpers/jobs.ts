import type { Job } from '../../src/types/job.js';

/** A job for gpt-4o-mini with one 30-byte user message (15 estimated prompt tokens) and max_tokens 100; override what a test is about. */
export function job(over: Partial<Job> = {}): Job {
  return {
    job_id: `j${Math.random()}`,
    index: 0,
    task_id: 't',
    model: 'openai/gpt-4o-mini',
    model_label: 'openai/gpt-4o-mini',
    system_prompt_id: 'none',
    system_prompt: '',
    system_prompt_sha256: '',
    repeat: 0,
    messages: [{ role: 'user', content: 'What is the capital of France?' }],
    params: { max_tokens: 100 },
    vars: {},
    prompt_sha256: '',
    ...over,
  };
}
