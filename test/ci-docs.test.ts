// The CI examples in docs/ stay true: their YAML parses, and every agent-lab flag they use is one
// the command really has (read from its --help).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = new URL('..', import.meta.url);
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const help = (command: string) => execFileSync(process.execPath, [CLI, command, '--help'], { encoding: 'utf8' });

describe.each(['docs/ci-github.md', 'docs/ci-gitlab.md'])('%s', (doc) => {
  it('has YAML that parses and agent-lab commands whose flags exist', async () => {
    const text = await readFile(fileURLToPath(new URL(doc, ROOT)), 'utf8');
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(() => parse(block)).not.toThrow();
    // Join continued lines, then take every `npx agent-lab <command> ...` invocation.
    const commands = [...text.replace(/\\\n\s*/g, ' ').replace(/\n\s{8,}--/g, ' --').matchAll(/npx agent-lab (run|merge|compare) ([^\n]*)/g)];
    expect(commands.map((c) => c[1])).toEqual(expect.arrayContaining(['run', 'merge']));
    for (const [, command, args] of commands) {
      const known = help(command!);
      for (const flag of args!.match(/--[a-z0-9-]+/g) ?? []) expect(known, `${command} ${flag}`).toContain(flag);
    }
  });
});
