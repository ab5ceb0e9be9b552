// A task's images as OpenAI content parts. A local file is read, checked (exists, within the
// size cap, an image the chat APIs take) and inlined as a data: URL whose MIME type comes from the
// file's bytes (file-type), never from its name; http(s): URLs are passed through for the
// provider to fetch, and data: URLs are checked the same way as files.
import { relative, resolve } from 'node:path';
import { checkSuiteFile, readRegular, type FileRules } from './files.js';
import type { ImagePart } from '../types/job.js';

/** The image types OpenAI-compatible chat APIs accept. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

export class ImageError extends Error {
  override name = 'ImageError';
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** `ref` as a content part; throws ImageError with what is wrong. */
/** `rules`: the suite's folder and its opt-out (config/files.ts); a local path resolves from `baseDir` (a dataset's folder). */
export async function loadImage(ref: string, baseDir: string, maxBytes: number, rules: FileRules): Promise<ImagePart> {
  if (/^https?:\/\//i.test(ref)) return part(ref);
  if (/^data:/i.test(ref)) return part(checkDataUrl(ref, maxBytes));
  const file = await checkSuiteFile(relative(rules.base, resolve(baseDir, ref)), rules);
  if (!file.ok) throw new ImageError(`image file \`${ref}\` ${file.problem} (looked for ${file.path})`);
  if (file.size > maxBytes) throw new ImageError(`image file \`${ref}\` is ${mb(file.size)}, over the ${mb(maxBytes)} cap (max_image_bytes)`);
  const bytes = await readRegular(file.path, maxBytes);
  const mime = await imageType(bytes);
  if (!mime) throw new ImageError(`\`${ref}\` is not a PNG, JPEG, GIF or WebP image (judged by its bytes, not its name)`);
  return part(`data:${mime};base64,${bytes.toString('base64')}`);
}

const part = (url: string): ImagePart => ({ type: 'image_url', image_url: { url } });

/** The MIME type of an image the APIs take, from its magic bytes; null for anything else. */
export async function imageType(bytes: Uint8Array): Promise<(typeof IMAGE_TYPES)[number] | null> {
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(bytes);
  return found && (IMAGE_TYPES as readonly string[]).includes(found.mime) ? (found.mime as (typeof IMAGE_TYPES)[number]) : null;
}

function checkDataUrl(url: string, maxBytes: number): string {
  const match = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=\s]*)$/i.exec(url);
  if (!match) throw new ImageError('a data: URL image must be `data:image/(png|jpeg|gif|webp);base64,…`');
  const bytes = Math.floor((match[2]!.replace(/\s/g, '').length * 3) / 4);
  if (bytes > maxBytes) throw new ImageError(`a data: URL image of ${mb(bytes)} is over the ${mb(maxBytes)} cap (max_image_bytes)`);
  return url;
}
