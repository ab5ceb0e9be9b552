// Templates in prompts, messages, system prompts, ids, images and check arguments: Liquid
// (liquidjs), in its strict mode. Liquid was made for templates written by people who must not
// run code (Shopify's shop owners): no expression can call a function, `ownPropertyOnly` keeps
// `{{ x.constructor }}` out, and the in-memory file system with no files makes `include`,
// `render` and `layout` fail instead of reading the disk. An undefined variable or filter is an
// error, never an empty string. Pure: text in, text out.
import { createRequire } from 'node:module';
import type { Liquid, Template as LiquidTemplate } from 'liquidjs';
import type { Vars } from '../types/job.js';
import { suggest } from './issues.js';

let liquid: Liquid | null = null;
/** The engine, loaded on the first template that has a tag: a suite without any never pays for it (start-up). */
function engine(): Liquid {
  if (liquid) return liquid;
  const { Liquid: Engine } = createRequire(import.meta.url)('liquidjs') as typeof import('liquidjs');
  liquid = new Engine({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // No file system: `{% include %}` and friends look in this empty map and fail.
    templates: {},
    // Output is sent to a model, not put in a web page.
    outputEscape: undefined,
  });
  return liquid;
}

const TAG = /\{\{|\{%/;

/** A template compiled once, rendered once per row. */
export interface Template {
  /** The template as written. */
  text: string;
  /** Text with no `{{` or `{%`: rendering returns it unchanged (and costs nothing). */
  literal: boolean;
  /** The rendered text; throws TemplateError (with the variable's name) on an undefined variable. */
  render(vars: Vars): string;
}

/** A template problem, worded for the user: which variable, in which template. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Compile `text`; a syntax error throws TemplateError. */
export function compileTemplate(text: string): Template {
  if (!TAG.test(text)) return { text, literal: true, render: () => text };
  let parsed: LiquidTemplate[];
  try {
    parsed = engine().parse(text);
  } catch (error) {
    throw new TemplateError(`template syntax error in ${quote(text)}: ${liquidMessage(error)}`);
  }
  return {
    text,
    literal: false,
    render(vars) {
      try {
        return engine().renderSync(parsed, vars) as string;
      } catch (error) {
        throw new TemplateError(renderProblem(error, text, vars));
      }
    },
  };
}

/** Whether `text` holds a template tag (and so depends on variables). */
export const isTemplate = (text: string): boolean => TAG.test(text);

function renderProblem(error: unknown, text: string, vars: Vars): string {
  const message = liquidMessage(error);
  const undefinedVar = /^undefined variable: ([^,]+)/.exec(message);
  if (undefinedVar) {
    const name = undefinedVar[1]!;
    const known = Object.keys(vars);
    const base = name.split(/[.[]/)[0]!;
    if (base !== name && known.includes(base)) return `undefined variable \`${name}\` in the template ${quote(text)} (\`${base}\` is set, but has no such field)`;
    const guess = suggest(base, known, false);
    const list = known.length ? `known: ${known.slice(0, 15).join(', ')}${known.length > 15 ? ', …' : ''}` : 'no variables are set';
    return `undefined variable \`${name}\` in the template ${quote(text)} (${guess ? `${guess} ` : ''}${list})`;
  }
  return `the template ${quote(text)} failed: ${message}`;
}

/** liquidjs's message without its own position suffix (we say where, in the suite's terms). */
function liquidMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, line:\d+, col:\d+$/, '').replace(/\n[\s\S]*$/, '');
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return `\`${flat.length > 60 ? `${flat.slice(0, 59)}…` : flat}\``;
}
