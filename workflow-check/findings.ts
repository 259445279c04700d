/**
 * Findings: what check-workflow reports about one workflow. Each has a kind,
 * a level (an `error` fails the command), a message, and a source position
 * when one is known.
 */
import type { JsonValue } from '../adapters/types.js';
import type { Basis } from './bindings.js';

export type FindingLevel = 'error' | 'warning' | 'info';

export type FindingKind =
  /** The workflow does not bundle (syntax error, unresolvable or unsupported import). */
  | 'build'
  /** `workflowSettings` missing or invalid, no default export, unknown trigger or binding name. */
  | 'settings'
  /** A binding is used but not declared in `workflowSettings.bindings`. */
  | 'binding-undeclared'
  /** A binding is declared but nothing uses it. */
  | 'binding-unused'
  /** A binding the reference does not implement yet: runs that reach it are not judged. */
  | 'binding-unsupported'
  /** A kinde.fetch / kinde.secureFetch request no fixture answers (it failed like a network error). */
  | 'fetch-unmatched'
  /** A run read kinde.env keys no fixture supplies, or failed only after such a read or request: supply them first. */
  | 'needs-fixtures'
  /** A claim Kinde never lets a workflow change (the write is ignored silently). */
  | 'prohibited-claim'
  /** A claim written to a token this trigger does not issue or offer. */
  | 'wrong-token'
  /** The workflow throws (or its promise rejects) for some event. */
  | 'throws'
  /** The workflow does not finish in time (or its promise never settles). */
  | 'timeout'
  /** The default export does not return a promise. */
  | 'not-async'
  /** A claim value that JSON changes or cannot represent. */
  | 'json-value'
  /** A token bigger than a common limit. */
  | 'token-size'
  /** The workflow is not run for some requests (e.g. the Management API audience), or not at all by this tool. */
  | 'not-run'
  /** A file in the workflows folder that Kinde will not discover as a workflow. */
  | 'not-discovered'
  /** check-workflow itself could not complete: never a silent pass. */
  | 'internal';

export interface SourcePosition {
  /** Path relative to the project (or the current directory). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column?: number;
}

export interface Finding {
  kind: FindingKind;
  level: FindingLevel;
  message: string;
  at?: SourcePosition;
  basis?: Basis;
  /** The obvious next step, when there is one (`import { fetch } from '@kinde/infrastructure'?`). */
  hint?: string;
  /** The source line at `at` (for code frames), clipped. */
  source?: string;
  detail?: { [key: string]: JsonValue };
}

export const LEVEL_ORDER: readonly FindingLevel[] = ['error', 'warning', 'info'];

/** Collects findings, dropping exact repeats (same kind, message and position). */
export class Findings {
  readonly #list: Finding[] = [];
  readonly #seen = new Set<string>();

  add(f: Finding): void {
    const key = `${f.kind}\u0000${f.message}\u0000${f.at?.file ?? ''}:${f.at?.line ?? ''}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#list.push(f);
  }

  /** Errors first, then by file and line. */
  list(): Finding[] {
    return [...this.#list].sort(
      (a, b) =>
        LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) ||
        (a.at?.file ?? '').localeCompare(b.at?.file ?? '') ||
        (a.at?.line ?? 0) - (b.at?.line ?? 0),
    );
  }
}

export function countLevels(findings: readonly Finding[]): Record<FindingLevel, number> {
  const out: Record<FindingLevel, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) out[f.level] += 1;
  return out;
}

/** `file:line` (or `file`, or empty). */
export function formatPosition(at: SourcePosition | undefined): string {
  if (!at) return '';
  return `${at.file}:${at.line}${at.column !== undefined ? `:${at.column}` : ''}`;
}
