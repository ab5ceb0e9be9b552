// Pure: message contents as OpenRouter takes them — a string, or an array of content parts
// (`text`, `image_url`) — checked the way the real API checks them, and the form the request log
// keeps: digests, never the text (the log holds no prompt, like it holds no key), so a test can
// prove what was received without the simulator keeping megabytes of prompts and images.
import { createHash } from 'node:crypto';

export type LoggedPart =
  | { type: 'text'; sha256: string; chars: number }
  /** `mime` and `bytes` for a data: URL; null for an http(s) URL (passed through to the provider). */
  | { type: 'image_url'; sha256: string; mime: string | null; bytes: number | null };

export interface LoggedMessage {
  role: string;
  /** The content was a plain string (then `parts` is its one text part). */
  plain: boolean;
  parts: LoggedPart[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Why the messages would be refused (400), or null. */
export function contentProblem(messages: readonly unknown[]): string | null {
  for (const [i, message] of messages.entries()) {
    const content = (message as { content?: unknown } | null)?.content;
    if (typeof content === 'string') continue;
    if (!Array.isArray(content)) return `messages[${i}].content must be a string or an array of content parts`;
    for (const [j, part] of content.entries()) {
      const p = part as { type?: unknown; text?: unknown; image_url?: { url?: unknown } } | null;
      if (p?.type === 'text' && typeof p.text === 'string') continue;
      if (p?.type === 'image_url' && typeof p.image_url?.url === 'string' && /^(https?:\/\/|data:image\/(png|jpeg|gif|webp);base64,)/i.test(p.image_url.url)) continue;
      return `messages[${i}].content[${j}] is not a valid content part (a text part, or an image_url with an http(s) URL or a data:image/...;base64 URL)`;
    }
  }
  return null;
}

/** The messages as the request log keeps them (call after contentProblem passed). */
export function loggedMessages(messages: readonly { role?: unknown; content?: unknown }[]): LoggedMessage[] {
  return messages.map((m) => {
    if (typeof m.content === 'string') return { role: String(m.role), plain: true, parts: [{ type: 'text', sha256: sha256(m.content), chars: m.content.length }] };
    const parts = (m.content as { type: string; text?: string; image_url?: { url: string } }[]).map((part): LoggedPart => {
      if (part.type === 'text') return { type: 'text', sha256: sha256(part.text!), chars: part.text!.length };
      const url = part.image_url!.url;
      const data = /^data:([^;,]+);base64,/.exec(url);
      return { type: 'image_url', sha256: sha256(url), mime: data ? data[1]! : null, bytes: data ? Buffer.from(url.slice(data[0].length), 'base64').length : null };
    });
    return { role: String(m.role), plain: false, parts };
  });
}
