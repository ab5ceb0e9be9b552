// --save-responses: one Markdown file per job, for reading answers side by side.
import { contentText, type Job, type Message } from '../types/job.js';
import type { JobResult } from '../types/result.js';

export function renderResponse(job: Job, row: JobResult): string {
  const parts = [
    `# ${job.task_id} · ${job.model_label} · ${job.system_prompt_id} · repeat ${job.repeat}`,
    '',
    `- job_id: \`${row.job_id}\``,
    `- status: ${row.status}${row.error_kind ? ` (${row.error_kind}: ${row.error_message})` : ''}`,
    `- served by: ${row.model_served ?? '?'} via ${row.provider ?? '?'}`,
    `- ttft ${row.ttft_ms ?? '?'} ms · latency ${row.latency_ms ?? '?'} ms · finish ${row.finish_reason ?? '?'}`,
    '',
    '## System prompt',
    '',
    job.system_prompt === '' ? '_(none)_' : fence(job.system_prompt),
    '',
    '## Prompt',
    '',
    ...job.messages.filter((m) => m.role !== 'system').map((m) => `**${m.role}:**\n\n${fence(contentText(m.content))}${images(m.content)}\n`),
  ];
  if (row.reasoning_text) parts.push('## Reasoning', '', fence(row.reasoning_text), '');
  parts.push('## Answer', '', row.output_text === '' ? '_(empty)_' : fence(row.output_text), '');
  return parts.join('\n');
}

/** Fence text so any Markdown inside it shows as written. */
export function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}text\n${text}\n${ticks}`;
}

/** Images are named, not inlined: a data: URL is megabytes of base64. */
function images(content: Message['content']): string {
  if (typeof content === 'string') return '';
  const urls = content.flatMap((p) => (p.type === 'image_url' ? [p.image_url.url.startsWith('data:') ? `${p.image_url.url.slice(0, p.image_url.url.indexOf(','))} (inlined)` : p.image_url.url] : []));
  return urls.map((url) => `\n- image: ${url}`).join('');
}
