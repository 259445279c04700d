/**
 * Writing and reading check-workflow.json (+ check-workflow.html). Secrets are
 * redacted before anything is written (the generated tenants in
 * counterexamples carry client secrets); a replay puts stand-ins back.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redact, REDACTED } from '../reports/redact.js';
import type { RunResults } from '../reports/results.js';
import { UsageError } from './discover.js';
import { renderCheckHtml } from './html.js';
import type { CheckWorkflowResults } from './report.js';
import type { CheckCase } from './scenario.js';

export const RESULT_FILES = Object.freeze({ json: 'check-workflow.json', html: 'check-workflow.html' });

/** The project's redaction works on any JSON by shape (key names); its signature names the conformance results. */
function redacted(results: CheckWorkflowResults): CheckWorkflowResults {
  return redact(results as unknown as RunResults) as unknown as CheckWorkflowResults;
}

export async function writeResults(results: CheckWorkflowResults, dir: string): Promise<{ json: string; html: string }> {
  const safe = redacted(results);
  await mkdir(dir, { recursive: true });
  const paths = { json: join(dir, RESULT_FILES.json), html: join(dir, RESULT_FILES.html) };
  await writeFile(paths.json, `${JSON.stringify(safe, null, 2)}\n`);
  await writeFile(paths.html, renderCheckHtml(safe));
  return paths;
}

export function toJson(results: CheckWorkflowResults): string {
  return JSON.stringify(redacted(results), null, 2);
}

export async function readResults(file: string): Promise<CheckWorkflowResults> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`--replay: cannot read ${file}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--replay: ${file} is not JSON`);
  }
  const r = parsed as Partial<CheckWorkflowResults>;
  if (r.tool !== 'kinde-token-conformance check-workflow' || !Array.isArray(r.workflows) || typeof r.seed !== 'number') {
    throw new UsageError(`--replay: ${file} is not a check-workflow.json`);
  }
  return r as CheckWorkflowResults;
}

/** A recorded case with its redacted client secrets replaced by stand-ins (any secret will do: the tenant is generated). */
export function restoreSecrets(c: CheckCase): CheckCase {
  const copy = structuredClone(c);
  copy.tenant.applications.forEach((app, i) => {
    if (app.clientSecret === REDACTED) app.clientSecret = `replayedSecret${i}`.padEnd(40, '0');
  });
  if (copy.kind === 'm2m') {
    const app = copy.tenant.applications.find((a) => a.clientId === copy.request.clientId);
    if (app) copy.request.clientSecret = app.clientSecret;
  }
  return copy;
}
