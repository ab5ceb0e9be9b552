// --save-responses: one Markdown file per job, named through safeName so no id can leave the folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../types/job.js';
import { safeName } from './safe-name.js';

/** `capital__openai_gpt-4o-mini-1a2b3c4d__terse__r0.md`: task, model, system prompt, repeat. */
export function responseFileName(job: Pick<Job, 'task_id' | 'model' | 'system_prompt_id' | 'repeat'>): string {
  return `${safeName(job.task_id)}__${safeName(job.model)}__${safeName(job.system_prompt_id)}__r${job.repeat}.md`;
}

/** A writer for one job's response; a file that cannot be written is reported once, never a crash. */
export async function responseSaver(dir: string, warn: (message: string) => void): Promise<(job: Job, text: string) => void> {
  await mkdir(dir, { recursive: true });
  let warned = false;
  return (job, text) =>
    void writeFile(join(dir, responseFileName(job)), text).catch((error: unknown) => {
      if (warned) return;
      warned = true;
      warn(`Could not save a response in ${dir} (${(error as Error).message}); the results are not affected, later failures are not reported.`);
    });
}
