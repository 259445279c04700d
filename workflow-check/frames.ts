/**
 * Code frames: the source line each finding points at, read from the
 * workflow's own files only (the ones its bundle loaded: inside the project,
 * regular files), bounded. Renderers draw the line and a caret under the column.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Finding } from './findings.js';

const MAX_FILE_BYTES = 1 << 20;
const MAX_LINE_CHARS = 240;

export function attachSources(findings: Finding[], files: readonly string[]): Finding[] {
  const allowed = new Set(files.map((f) => resolve(f)));
  const cache = new Map<string, string[] | undefined>();
  const lines = (file: string): string[] | undefined => {
    if (!cache.has(file)) {
      let text: string | undefined;
      try {
        if (allowed.has(file) && statSync(file).isFile() && statSync(file).size <= MAX_FILE_BYTES) text = readFileSync(file, 'utf8');
      } catch {
        text = undefined;
      }
      cache.set(file, text?.split(/\r?\n/));
    }
    return cache.get(file);
  };
  return findings.map((f) => {
    if (!f.at || f.source !== undefined) return f;
    const line = lines(resolve(f.at.file))?.[f.at.line - 1];
    if (line === undefined || line.trim() === '') return f;
    return { ...f, source: line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line };
  });
}

/** `  56 | code` and `     |      ^` (tabs as two spaces, so the caret lines up). */
export function codeFrame(f: Finding, gutter: string, clean: (s: string) => string): string[] {
  if (!f.at || f.source === undefined) return [];
  const num = String(f.at.line);
  const text = f.source.replace(/\t/g, '  ');
  const col = f.at.column ?? 0;
  const before = f.source.slice(0, Math.max(0, col - 1)).replace(/\t/g, '  ');
  const out = [`${gutter}${num} | ${clean(text)}`];
  if (col > 0 && col - 1 <= f.source.length) out.push(`${gutter}${' '.repeat(num.length)} | ${' '.repeat(clean(before).length)}^`);
  return out;
}
