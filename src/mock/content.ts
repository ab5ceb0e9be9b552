// Pure: message contents as OpenRouter takes them — a string, or an array of content parts
// (`text`, `image_url`) — checked the way the real API checks them, and the form the request log
// keeps: text verbatim, an image as its URL (a data: URL by its header, sha256 and size, not its
// megabytes of base64).
import { createHash } from 'node:crypto';

export type LoggedPart = { type: 'text'; text: string } | { type: 'image_url'; url: string; sha256: string; bytes: number | null };

export interface LoggedMessage {
  role: string;
  content: string | LoggedPart[];
}

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
  return messages.map((m) => ({
    role: String(m.role),
    content: typeof m.content === 'string' ? m.content : (m.content as { type: string; text?: string; image_url?: { url: string } }[]).map(loggedPart),
  }));
}

function loggedPart(part: { type: string; text?: string; image_url?: { url: string } }): LoggedPart {
  if (part.type === 'text') return { type: 'text', text: part.text! };
  const url = part.image_url!.url;
  const comma = url.indexOf(',');
  const data = url.startsWith('data:');
  return {
    type: 'image_url',
    url: data ? url.slice(0, comma) : url,
    sha256: createHash('sha256').update(url).digest('hex'),
    bytes: data ? Buffer.from(url.slice(comma + 1), 'base64').length : null,
  };
}
