/**
 * A small JavaScript lexer for the static scan: blanks comments, string,
 * template and regular-expression literals (keeping every offset and newline),
 * so patterns only match code, and returns the string literals with their
 * values. Template substitutions (`${…}`) stay visible as code.
 */

export interface StringLiteral {
  /** Offset of the opening quote. */
  start: number;
  /** Offset after the closing quote. */
  end: number;
  value: string;
}

export interface Lexed {
  /** Same length as the input; comments and literal contents replaced by spaces (newlines kept). */
  code: string;
  strings: StringLiteral[];
}

const REGEX_AFTER_CHARS = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));
const REGEX_AFTER_WORDS = new Set([
  'return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await',
]);

function decode(raw: string, quote: string): string {
  const body = raw.slice(1, -1);
  if (quote === '`') return body;
  try {
    const normalized = quote === '"' ? body : body.replace(/\\'/g, "'").replace(/"/g, '\\"');
    return JSON.parse(`"${normalized}"`) as string;
  } catch {
    return body;
  }
}

export function lex(src: string): Lexed {
  const out = src.split('');
  const strings: StringLiteral[] = [];
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  /** Template nesting: each entry counts open braces inside one `${`. */
  const templates: number[] = [];
  let i = 0;
  let lastSignificant = '';
  let lastWord = '';

  const scanQuoted = (quote: string): void => {
    const start = i;
    i++;
    while (i < src.length && src[i] !== quote && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
    i = Math.min(i + 1, src.length);
    strings.push({ start, end: i, value: decode(src.slice(start, i), quote) });
    blank(start + 1, i - 1);
  };

  /** Scans template text from `i` (just after a backtick or a closing `}`) to the next `${` or closing backtick. */
  const scanTemplateText = (): void => {
    const start = i;
    while (i < src.length) {
      if (src[i] === '\\') i += 2;
      else if (src[i] === '`') {
        blank(start, i);
        i++;
        return;
      } else if (src[i] === '$' && src[i + 1] === '{') {
        blank(start, i);
        i += 2;
        templates.push(0);
        return;
      } else i++;
    }
    blank(start, i);
  };

  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? src.length : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end === -1 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      scanQuoted(c);
      lastSignificant = c;
      lastWord = '';
      continue;
    }
    if (c === '`') {
      const start = i;
      i++;
      scanTemplateText();
      if (templates.length === 0 || src[i - 1] === '`') strings.push({ start, end: i, value: src.slice(start + 1, i - 1) });
      lastSignificant = '`';
      lastWord = '';
      continue;
    }
    if (templates.length > 0 && (c === '{' || c === '}')) {
      if (c === '{') templates[templates.length - 1]! += 1;
      else if (templates[templates.length - 1] === 0) {
        templates.pop();
        i++;
        scanTemplateText();
        lastSignificant = '`';
        continue;
      } else templates[templates.length - 1]! -= 1;
    }
    if (c === '/') {
      const regexAllowed = lastSignificant === '' || REGEX_AFTER_CHARS.has(lastSignificant) || REGEX_AFTER_WORDS.has(lastWord);
      if (regexAllowed) {
        const start = i;
        i++;
        let inClass = false;
        while (i < src.length && src[i] !== '\n') {
          if (src[i] === '\\') i += 2;
          else if (src[i] === '[') (inClass = true), i++;
          else if (src[i] === ']') (inClass = false), i++;
          else if (src[i] === '/' && !inClass) break;
          else i++;
        }
        i++;
        while (i < src.length && /[a-z]/i.test(src[i]!)) i++;
        blank(start + 1, i);
        lastSignificant = ')';
        lastWord = '';
        continue;
      }
    }
    if (/[A-Za-z_$]/.test(c)) {
      const start = i;
      while (i < src.length && /[\w$]/.test(src[i]!)) i++;
      lastWord = src.slice(start, i);
      lastSignificant = 'a';
      continue;
    }
    if (!/\s/.test(c)) {
      lastSignificant = /[\d.]/.test(c) ? 'a' : c;
      lastWord = '';
    }
    i++;
  }
  return { code: out.join(''), strings };
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
