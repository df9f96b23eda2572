// Prints the share of comment-only lines among the non-blank lines of src/ (.ts), over all files
// and per top-level folder: RULES.md asks for comments that say why in a line or two.
// Usage: node scripts/comment-share.ts [dir] [--files N] (the N files with the most comment lines)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const filesFlag = args.indexOf('--files');
const topFiles = filesFlag >= 0 ? Number(args.splice(filesFlag, 2)[1] ?? 20) : 0;
const root = args[0] ?? 'src';
const perFile: { file: string; comment: number; code: number }[] = [];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** Comment-only lines = non-blank lines that hold no token of the parsed file (JSDoc is comment). */
function count(text: string): { comment: number; code: number } {
  const source = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const codeLines = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(source);
    if (children.length === 0 && node.kind !== ts.SyntaxKind.EndOfFileToken) {
      for (let line = lineOf(node.getStart(source)); line <= lineOf(node.getEnd()); line++) codeLines.add(line);
    }
    for (const child of children) visit(child);
  };
  visit(source);
  const nonBlank = text.split('\n').filter((line) => line.trim() !== '').length;
  return { comment: nonBlank - codeLines.size, code: codeLines.size };
}

const byFolder = new Map<string, { comment: number; code: number }>();
let comment = 0;
let code = 0;
for (const file of sourceFiles(root)) {
  const counted = count(readFileSync(file, 'utf8'));
  perFile.push({ file, ...counted });
  const folder = relative(root, file).split('/').slice(0, -1)[0] ?? '.';
  const sum = byFolder.get(folder) ?? { comment: 0, code: 0 };
  sum.comment += counted.comment;
  sum.code += counted.code;
  byFolder.set(folder, sum);
  comment += counted.comment;
  code += counted.code;
}
const share = (c: { comment: number; code: number }) => ((100 * c.comment) / (c.comment + c.code)).toFixed(1);
for (const [folder, sum] of [...byFolder].sort()) {
  console.log(
    `${folder.padEnd(14)} ${String(sum.comment).padStart(5)} comment / ${String(sum.code).padStart(6)} code lines  ${share(sum)} %`,
  );
}
console.log(
  `${root}/: ${comment} comment-only lines of ${comment + code} non-blank lines: ${share({ comment, code })} %`,
);
for (const f of perFile.sort((a, b) => b.comment - a.comment).slice(0, topFiles)) {
  console.log(`${String(f.comment).padStart(4)} comment / ${String(f.code).padStart(4)} code  ${f.file}`);
}
