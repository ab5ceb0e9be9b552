// Pure: the simulator's judge and tool caller. The judge's score is the share of the rubric's
// words (4+ letters, case ignored) that the answer holds, so a test can compute the verdict it
// should get. Markers in the rubric pick the reply's shape: JUDGE-FENCE (a fenced block in
// prose), JUDGE-PROSE (the object inside a sentence), JUDGE-GARBAGE (no verdict at all).
import { stripDirectives } from './directive.js';

const section = (text: string, tag: string): string => new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(text)?.[1] ?? '';

/** The rubric of a judge request: the only place the judge takes directives from (the prompt inside may hold a subject's). */
export const rubricOf = (userText: string): string => section(userText, 'rubric');

/** The rubric's words a test can count on: 4+ letters, lower case, each once. */
export function rubricWords(rubric: string): string[] {
  const words = stripDirectives(rubric).replace(/JUDGE-[A-Z]+/g, ' ').toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return [...new Set(words.filter((w) => w.length >= 4))];
}

export function judgeScore(rubric: string, answer: string): number {
  const words = rubricWords(rubric);
  if (!words.length) return 1;
  const text = answer.toLowerCase();
  return Math.round((words.filter((w) => text.includes(w)).length / words.length) * 100) / 100;
}

export function judgeReply(userText: string): string {
  const rubric = rubricOf(userText);
  if (userText.includes('<answer_a>')) return preferenceReply(rubric, userText);
  const score = judgeScore(rubric, section(userText, 'answer'));
  const json = JSON.stringify({ score, reason: `${Math.round(score * rubricWords(rubric).length)} of ${rubricWords(rubric).length} rubric words found` });
  if (rubric.includes('JUDGE-GARBAGE')) return 'I cannot grade this one.';
  if (rubric.includes('JUDGE-FENCE')) return `Here is my verdict:\n\n\`\`\`json\n${json}\n\`\`\`\n\nHope that helps.`;
  if (rubric.includes('JUDGE-PROSE')) return `My verdict is ${json} and that is final.`;
  return json;
}

/** A pairwise request: the answer with more rubric words wins; JUDGE-FIRST always prefers A (a position bias the swap must cancel). */
function preferenceReply(rubric: string, userText: string): string {
  const a = judgeScore(rubric, section(userText, 'answer_a'));
  const b = judgeScore(rubric, section(userText, 'answer_b'));
  const winner = rubric.includes('JUDGE-FIRST') ? 'A' : a > b ? 'A' : a < b ? 'B' : 'tie';
  return JSON.stringify({ winner, reason: `A ${a}, B ${b}` });
}

export interface MockToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** The call mock/tools makes, or null to answer in words. */
export function toolCallFor(body: Record<string, unknown>, userText: string, id: string): MockToolCall | null {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const names = tools.map((t: { function?: { name?: unknown } }) => t?.function?.name).filter((n): n is string => typeof n === 'string');
  const choice = body.tool_choice as { function?: { name?: unknown } } | string | undefined;
  if (!names.length || choice === 'none') return null;
  const forced = typeof choice === 'object' && typeof choice?.function?.name === 'string' ? choice.function.name : null;
  const text = stripDirectives(userText);
  const name = forced ?? names.find((n) => text.includes(n)) ?? (choice === 'required' ? names[0]! : null);
  if (name === null) return null;
  if (text.includes('BROKEN-ARGS')) return { id, name, arguments: '{"city": "Par' };
  const span = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
  let args = '{}';
  try {
    if (span) args = JSON.stringify(JSON.parse(span));
  } catch {
    // not JSON: the call gets no arguments
  }
  return { id, name, arguments: args };
}

/** A call as streamed: its name first, then its arguments in pieces, as OpenAI's deltas. */
export function toolDeltas(call: MockToolCall, index = 0): string[] {
  const j = JSON.stringify;
  const deltas = [`[{"index":${index},"id":${j(call.id)},"type":"function","function":{"name":${j(call.name)},"arguments":""}}]`];
  for (let at = 0; at < call.arguments.length; at += 8) deltas.push(`[{"index":${index},"function":{"arguments":${j(call.arguments.slice(at, at + 8))}}}]`);
  return deltas;
}
