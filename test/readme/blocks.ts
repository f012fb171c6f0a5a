// The TypeScript and JavaScript code blocks of the repository's READMEs, which the README test
// type-checks and partly runs. A block marked `fragment` (in its info string, or by a first line
// `// fragment`) is a piece of a larger program and is left out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const READMES = [
  'README.md',
  'sdk/README.md',
  'receiver/README.md',
  'mock-server/README.md',
  'openapi/README.md',
];

const LANGUAGES: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };

export interface CodeBlock {
  /** The README, relative to the repository root. */
  readme: string;
  /** The line of the block's first code line in the README, 1-based. */
  line: number;
  language: 'ts' | 'js';
  code: string;
}

export function codeBlocks(readme: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, readme), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = /^(\s*)```(\w+)(.*)$/.exec(lines[index]!);
    if (!opening) continue;
    const [, indent, language, rest] = opening as unknown as [string, string, string, string];
    const end = lines.findIndex((line, at) => at > index && line.trim() === '```');
    if (end === -1) throw new Error(`${readme}:${index + 1}: a code block is never closed`);
    const body = lines.slice(index + 1, end).map((line) => line.slice(indent.length));
    const kind = LANGUAGES[language.toLowerCase()];
    const fragment = /\bfragment\b/.test(rest) || /^\/\/\s*fragment\b/.test(body[0] ?? '');
    if (kind && !fragment) blocks.push({ readme, line: index + 2, language: kind, code: body.join('\n') });
    index = end;
  }
  return blocks;
}

export const allCodeBlocks = (): CodeBlock[] => READMES.flatMap(codeBlocks);

/** The one block of `readme` that contains `marker`: how the test names the examples it runs. */
export function exampleContaining(readme: string, marker: string): CodeBlock {
  const found = codeBlocks(readme).filter((block) => block.code.includes(marker));
  if (found.length !== 1) throw new Error(`${readme}: expected one code block with ${marker}, found ${found.length}`);
  return found[0]!;
}

/** `code` with each `from` replaced by its `to`; every `from` must be there, so a README edit is noticed. */
export function rewrite(block: CodeBlock, replacements: Record<string, string>): string {
  let code = block.code;
  for (const [from, to] of Object.entries(replacements)) {
    if (!code.includes(from)) throw new Error(`${block.readme}:${block.line}: the example no longer contains ${from}`);
    code = code.replaceAll(from, to);
  }
  return code;
}
