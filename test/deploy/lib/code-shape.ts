import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** A function's extent: where it starts, and how many lines are its own (nested functions counted apart). */
export type FunctionShape = { file: string; line: number; name: string; ownLines: number };

const isFunctionLike = (node: ts.Node): node is ts.FunctionLikeDeclaration =>
  ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) ||
  ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node);

const nameOf = (node: ts.FunctionLikeDeclaration): string => {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name))) return parent.name.text;
  return '(anonymous)';
};

/** Lines with code on them (not blank, not only a comment) between two offsets. */
const codeLines = (source: ts.SourceFile, start: number, end: number, skip: readonly [number, number][]): number => {
  const first = source.getLineAndCharacterOfPosition(start).line;
  const last = source.getLineAndCharacterOfPosition(end).line;
  const lines = source.getFullText().split('\n');
  let count = 0;
  for (let n = first; n <= last; n++) {
    if (skip.some(([a, b]) => n > a && n < b)) continue;
    const text = (lines[n] ?? '').trim();
    if (text === '' || text.startsWith('//') || text.startsWith('*') || text.startsWith('/*')) continue;
    count += 1;
  }
  return count;
};

/** Every function in a file with the lines of its own body (the lines strictly inside nested functions are theirs). */
export const functionShapes = (path: string, root: string): FunctionShape[] => {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const shapes: FunctionShape[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node) && node.body) {
      const nested: [number, number][] = [];
      const collect = (child: ts.Node): void => {
        if (isFunctionLike(child) && child.body) {
          nested.push([source.getLineAndCharacterOfPosition(child.body.getStart()).line, source.getLineAndCharacterOfPosition(child.body.getEnd()).line]);
          return;
        }
        ts.forEachChild(child, collect);
      };
      ts.forEachChild(node.body, collect);
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      shapes.push({ file: relative(root, path), line, name: nameOf(node), ownLines: codeLines(source, node.getStart(), node.getEnd(), nested) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return shapes;
};

export const typeScriptFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return typeScriptFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });

export const lineCount = (path: string): number => readFileSync(path, 'utf8').replace(/\n$/, '').split('\n').length;
