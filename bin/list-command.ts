/**
 * `list` (and `run --list`): the requirements a run with the same options
 * would check — IDs for --only, areas, titles, and the checks that judge
 * them — as text or --json. Nothing is started; no target is contacted.
 */
import { parse, UsageError, type OptionValues } from '../cli/args.js';
import { plural } from '../cli/term.js';
import { planChecks } from '../runner/plan.js';
import { AREA_TITLES } from '../reports/format.js';
import { requirements } from '../schemas/catalog.js';
import { EXIT } from '../reports/results.js';
import { RUN_OPTIONS, parseShard, selectedIds } from './run-options.js';

export const LIST_USAGE = `Usage: kinde-token-conformance list [run options] [--json]
       kinde-token-conformance run --list [run options] [--json]

Prints the requirements a run with the same options would check: ID (for --only), area,
level (documented or inferred) and the documented statement, with the checks that judge it.
Takes run's options (--target, --verifier, --only, --shard); starts nothing.

Options:
  --verifier=NAME  list the verifier requirements instead of the issuer's
  --only=ID[,ID…]  only these requirement IDs
  --shard=i/n      slice i of n
  --json           one JSON document instead of text
  -h, --help       this help`;

export interface ListedRequirement {
  id: string;
  area: string;
  areaTitle: string;
  level: 'documented' | 'inferred';
  severity: 'fail' | 'warning';
  statement: string;
  source: string;
  checks: string[];
}

/** The requirements the options select, in catalog order, each with the checks that judge it. */
export function listRequirements(values: OptionValues<typeof RUN_OPTIONS>): { checks: number; requirements: ListedRequirement[] } {
  const only = selectedIds(values.only);
  const plan = planChecks({ verifier: values.verifier, only, shard: parseShard(values.shard) });
  const byId = new Map<string, string[]>();
  for (const { check } of plan) {
    for (const id of check.requirements as readonly string[]) {
      if (only.length > 0 && !only.includes(id)) continue;
      byId.set(id, [...(byId.get(id) ?? []), check.name]);
    }
  }
  const listed = requirements
    .filter((r) => byId.has(r.id))
    .map((r) => ({
      id: r.id,
      area: r.area,
      areaTitle: AREA_TITLES[r.area] ?? r.area,
      level: r.level,
      severity: r.severity,
      statement: r.statement,
      source: r.source.url,
      checks: byId.get(r.id)!,
    }));
  // Grouped by area (in the order areas first appear), catalog order within one.
  const areaOrder = [...new Set(listed.map((r) => r.area))];
  listed.sort((a, b) => areaOrder.indexOf(a.area) - areaOrder.indexOf(b.area));
  return { checks: plan.length, requirements: listed };
}

export function renderList(list: { checks: number; requirements: ListedRequirement[] }, values: OptionValues<typeof RUN_OPTIONS>): string {
  const width = Math.max(2, ...list.requirements.map((r) => r.id.length));
  const lines: string[] = [];
  let area = '';
  for (const r of list.requirements) {
    if (r.area !== area) {
      area = r.area;
      lines.push(`${lines.length > 0 ? '\n' : ''}${r.areaTitle} (${r.area})`);
    }
    lines.push(`  ${r.id.padEnd(width)}  ${r.level === 'inferred' ? '(inferred) ' : ''}${r.statement}`);
  }
  const what = values.verifier !== undefined ? `verifier ${values.verifier}` : `target ${values.target ?? 'reference'}`;
  lines.push(
    '',
    `${plural(list.requirements.length, 'requirement')} in ${plural(list.checks, 'check')} for ${what}` +
      ' (a requirement the target declares no capability for is reported not applicable). Select with --only=ID[,ID…].',
  );
  return lines.join('\n');
}

export async function listCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, RUN_OPTIONS, LIST_USAGE) as { values: OptionValues<typeof RUN_OPTIONS> };
  if (values.help) {
    console.log(LIST_USAGE);
    return EXIT.OK;
  }
  return printList(values);
}

/** Shared by `list` and `run --list`. */
export function printList(values: OptionValues<typeof RUN_OPTIONS>): number {
  const list = listRequirements(values);
  if (list.requirements.length === 0) throw new UsageError('no requirement selected by these options');
  console.log(values.json ? JSON.stringify({ target: values.target ?? 'reference', ...(values.verifier !== undefined ? { verifier: values.verifier } : {}), ...list }, null, 2) : renderList(list, values));
  return EXIT.OK;
}
