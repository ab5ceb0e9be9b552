// Pure: deterministic answer text. The same request always gives the same words, so tests and
// repeated benchmark runs can compare outputs; a different seed or message gives different words.
import { createHash } from 'node:crypto';

export interface ChatMessage {
  role: string;
  content: unknown;
}

const WORDS = [
  'the', 'model', 'answer', 'is', 'a', 'simple', 'result', 'of', 'careful', 'reasoning', 'about', 'data',
  'which', 'shows', 'that', 'each', 'value', 'can', 'be', 'measured', 'and', 'compared', 'with', 'another',
  'test', 'in', 'practice', 'we', 'find', 'clear', 'patterns', 'across', 'many', 'runs', 'so', 'this',
  'approach', 'works', 'well', 'for', 'most', 'cases', 'under', 'typical', 'load', 'without', 'surprises', 'here',
];

/** Message content as text: a string, or the text parts of a multimodal array. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
  }
  return JSON.stringify(content);
}

/** Prompt tokens an image costs on the simulator (OpenAI's low-detail figure). */
export const IMAGE_TOKENS = 85;

/** The simulator's tokenizer for prompts: ceil(characters / 4) + 3 per message + 85 per image. */
export function promptTokens(messages: readonly ChatMessage[]): number {
  let chars = 0;
  let images = 0;
  for (const m of messages) {
    chars += textOf(m.content).length;
    if (Array.isArray(m.content)) images += m.content.filter((p: { type?: unknown }) => p?.type === 'image_url').length;
  }
  return Math.ceil(chars / 4) + 3 * messages.length + IMAGE_TOKENS * images;
}

/** sha256 of what decides the answer: the requested model, the messages and the seed. */
export function requestDigest(model: string, messages: unknown, seed: unknown): Buffer {
  return createHash('sha256')
    .update(model)
    .update('\0')
    .update(JSON.stringify(messages))
    .update('\0')
    .update(String(seed ?? ''))
    .digest();
}

/** mulberry32: tiny, fast and good enough to pick words. */
export function prng(digest: Buffer): () => number {
  let state = digest.readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` tokens, one word each with its leading space; sentences start capitalised and end in '.'. */
export function generateTokens(rand: () => number, n: number): string[] {
  const tokens: string[] = [];
  let sentence = 0;
  for (let i = 0; i < n; i++) {
    let word = WORDS[Math.floor(rand() * WORDS.length)]!;
    if (sentence === 0) word = word[0]!.toUpperCase() + word.slice(1);
    sentence++;
    const endsSentence = i === n - 1 || (sentence >= 6 && rand() < 0.2);
    if (endsSentence) {
      word += '.';
      sentence = 0;
    }
    // No space before the very first word, so the answer does not start with whitespace.
    tokens.push(i === 0 ? word : ` ${word}`);
  }
  return tokens;
}

/** Exact text as tokens, one word each, so joining them gives the text back byte for byte. */
export function splitTokens(text: string): string[] {
  const tokens: string[] = text.match(/\s*\S+/g) ?? [];
  const trailing = text.slice(tokens.join('').length);
  if (trailing) {
    if (tokens.length) tokens[tokens.length - 1] += trailing;
    else tokens.push(trailing);
  }
  return tokens;
}

/** A typical length with ±25 % deterministic spread. */
export function around(rand: () => number, typical: number): number {
  return Math.max(1, Math.round(typical * (0.75 + 0.5 * rand())));
}
