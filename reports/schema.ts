/**
 * Validation of {@link RunResults} against `schemas/results.schema.json`.
 * Every writer validates first so that a broken producer is caught at the
 * boundary instead of as a half-rendered report.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import schema from '../schemas/results.schema.json' with { type: 'json' };
import { summarize } from './results.js';
import type { RunResults } from './results.js';

export { schema as resultsSchema };

// ajv-formats is CommonJS; depending on the loader its default export is the function or a namespace.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

let compiled: ValidateFunction | undefined;
/** Compiled on first use (a report is written at the end of a run; importing this must not delay its first check). */
function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** How many problems the error message lists before "and N more". */
const SHOWN_ERRORS = 5;

export class ResultsValidationError extends Error {
  readonly code = 'ERR_RESULTS_INVALID' as const;
  /** Every problem found, as `"<json pointer>: <message>"`. */
  readonly problems: string[];
  constructor(problems: string[]) {
    const shown = problems.slice(0, SHOWN_ERRORS).map((p) => `  - ${p}`);
    if (problems.length > SHOWN_ERRORS) shown.push(`  … and ${problems.length - SHOWN_ERRORS} more`);
    super(`results do not match the RunResults schema:\n${shown.join('\n')}`);
    this.name = 'ResultsValidationError';
    this.problems = problems;
  }
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(root)' : e.instancePath;
  if (e.keyword === 'additionalProperties') {
    return `${where}: unexpected property "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  }
  if (e.keyword === 'enum') {
    return `${where}: ${e.message ?? 'invalid'} (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`;
  }
  return `${where}: ${e.message ?? e.keyword}`;
}

/**
 * Asserts that `x` is a well-formed {@link RunResults}: it matches the schema,
 * requirement ids are unique, and `summary` is what `summarize` computes from
 * the requirements (a hand-edited or stale summary would lie in every report).
 */
export function validateResults(x: unknown): asserts x is RunResults {
  const validate = validator();
  if (!validate(x)) {
    throw new ResultsValidationError((validate.errors ?? []).map(describe));
  }
  const results = x as unknown as RunResults;
  const problems: string[] = [];
  const seen = new Set<string>();
  results.requirements.forEach((r, i) => {
    if (seen.has(r.id)) problems.push(`/requirements/${i}/id: duplicate requirement id "${r.id}"`);
    seen.add(r.id);
  });
  const expected = summarize(results.requirements);
  for (const key of Object.keys(expected) as Array<keyof typeof expected>) {
    if (results.summary[key] !== expected[key]) {
      problems.push(`/summary/${key}: is ${results.summary[key]}, the requirements give ${expected[key]}`);
    }
  }
  if (problems.length > 0) throw new ResultsValidationError(problems);
}
