/**
 * Findings about bindings: used but not declared, declared but not used, not
 * offered to the trigger, not implemented by the reference. Each carries its
 * basis: the docs' own words where they state the rule (token bindings),
 * otherwise Kinde's open runtime and @kinde/infrastructure's code, named.
 */
import {
  documentedBy,
  DOCS,
  DOCUMENTED_BINDINGS,
  inferredFrom,
  isDeclared,
  isTokenBinding,
  isTokenTrigger,
  M2M_TRIGGER,
  QUOTES,
  referenceSupports,
  RUNTIME,
  TRIGGER_TOKEN_BINDINGS,
  USER_TRIGGER,
} from './bindings.js';
import type { Finding, SourcePosition } from './findings.js';
import type { AnalyzeInput } from './analyze.js';

interface Use {
  at?: SourcePosition;
  via: string;
  maybe: boolean;
}

const withAt = (f: Finding, at: SourcePosition | undefined): Finding => (at ? { ...f, at } : f);

function collectUses(input: AnalyzeInput): Map<string, Use> {
  const uses = new Map<string, Use>();
  const merge = (binding: string, at: SourcePosition | undefined, via: string, maybe: boolean) => {
    const u = uses.get(binding);
    if (!u) uses.set(binding, { ...(at ? { at } : {}), via, maybe });
    else {
      u.maybe &&= maybe;
      if (!u.at && at) u.at = at;
    }
  };
  for (const u of input.scan.uses) merge(u.binding, input.pos(u.at), u.via, u.maybe === true);
  for (const a of input.obs?.reached() ?? []) merge(a.binding, input.locate(a.at), a.binding, false);
  return uses;
}

function otherTrigger(binding: string): string {
  return binding === 'kinde.m2mToken' ? M2M_TRIGGER : USER_TRIGGER;
}

function triggerBasis(binding: string) {
  return binding === 'kinde.m2mToken' ? documentedBy(DOCS.m2mTrigger, QUOTES.m2mTrigger) : documentedBy(DOCS.userTrigger, QUOTES.userTrigger);
}

/** The finding for a binding used but not declared. */
function undeclared(binding: string, u: Use): Finding {
  const quote = QUOTES.tokenBinding[binding];
  if (quote) {
    return {
      kind: 'binding-undeclared',
      level: u.maybe ? 'warning' : 'error',
      message: `${binding} is used (via ${u.via}) but not declared in workflowSettings.bindings; the docs: "${quote}"`,
      basis: documentedBy(DOCS.customizeTokens, quote),
    };
  }
  if (binding === 'console') {
    return {
      kind: 'binding-undeclared',
      level: 'warning',
      message:
        "console is used but not declared: Kinde's open runtime mounts console only when declared " +
        '(kinde-oss/workflows-runtime, gojaRuntime/gojaRuntime.go, setupVM → builtInModules["console"]), ' +
        "yet Kinde's own examples (kinde-starter-kits/workflow-examples) log without declaring it; add console: {} to be safe",
      basis: inferredFrom(RUNTIME.mount, 'for name := range workflow.RequestedBindings { if module, ok := builtInModules[name] … }'),
    };
  }
  if (binding === 'url') {
    const viaLibrary = u.via.endsWith('()');
    return {
      kind: 'binding-undeclared',
      level: u.maybe ? 'warning' : 'error',
      message:
        `url is not declared, yet ${viaLibrary ? `${u.via} (@kinde/infrastructure 0.9) uses URLSearchParams` : `${u.via} is used`}: ` +
        "Kinde's open runtime defines URL and URLSearchParams only for workflows that declare url, so it throws a ReferenceError there; add url: {} to bindings",
      basis: inferredFrom(viaLibrary ? `${RUNTIME.url}; ${RUNTIME.library} createKindeAPI / getM2MToken` : RUNTIME.url),
    };
  }
  const undocumented = !DOCUMENTED_BINDINGS.includes(binding);
  if (u.maybe || undocumented) {
    return {
      kind: 'binding-undeclared',
      level: 'warning',
      message: u.maybe
        ? `${binding} may be used by ${u.via} (unless it is given the values itself) but is not declared in workflowSettings.bindings`
        : `${binding} is used (via ${u.via}) but not declared; no doc names this binding, so whether Kinde needs it declared is unknown`,
      basis: inferredFrom(RUNTIME.mount),
    };
  }
  return {
    kind: 'binding-undeclared',
    level: 'error',
    message:
      `${binding} is used (via ${u.via}) but not declared in workflowSettings.bindings: Kinde's open runtime mounts kinde.* bindings ` +
      'only when declared, so it is undefined there (the library\'s helpers throw "… binding not available")',
    basis: inferredFrom(`${RUNTIME.mount}; ${RUNTIME.library}`),
  };
}

export function bindingFindings(input: AnalyzeInput): Finding[] {
  const out: Finding[] = [];
  const { settings } = input;
  const declared = new Set(settings.bindings);
  const trigger = settings.trigger;
  const offered: readonly string[] = isTokenTrigger(trigger) ? TRIGGER_TOKEN_BINDINGS[trigger] : [];
  const uses = collectUses(input);
  const inconclusive = [...(input.obs?.inconclusive ?? new Map<string, number>()).entries()];
  for (const [binding, u] of uses) {
    if (isTokenBinding(binding) && isTokenTrigger(trigger) && !offered.includes(binding)) {
      out.push(withAt({
        kind: 'wrong-token',
        level: 'error',
        message: `${binding} (via ${u.via}) is not offered to ${trigger} workflows, only to ${otherTrigger(binding)}: nothing it sets can land`,
        basis: triggerBasis(binding),
      }, u.at));
      continue;
    }
    if (!isDeclared(binding, declared)) {
      out.push(withAt(undeclared(binding, u), u.at));
      continue;
    }
    if (!referenceSupports(binding)) {
      const hits = inconclusive.filter(([reason]) => reason.startsWith(`${binding} `)).reduce((n, [, c]) => n + c, 0);
      out.push(withAt({
        kind: 'binding-unsupported',
        level: 'warning',
        message:
          `${binding} is used (via ${u.via}) but the reference does not implement it yet: ` +
          (hits > 0 ? `${hits} of ${input.obs?.runs ?? 0} runs reached it and were not judged` : 'runs that reach it are not judged'),
        basis: inferredFrom(RUNTIME.reference),
      }, u.at));
    }
  }
  for (const binding of settings.bindings) {
    const at = input.pos(input.scan.settings.bindings[binding]);
    if (isTokenBinding(binding) && isTokenTrigger(trigger) && !offered.includes(binding)) {
      if (!uses.has(binding)) {
        out.push(withAt({
          kind: 'wrong-token',
          level: 'warning',
          message: `${binding} is declared but ${trigger} workflows are not offered it (only ${otherTrigger(binding)} workflows are)`,
          basis: triggerBasis(binding),
        }, at));
      }
      continue;
    }
    if (uses.has(binding)) continue;
    out.push(withAt({
      kind: 'binding-unused',
      level: binding === 'url' ? 'info' : 'warning',
      message:
        binding === 'url'
          ? 'url is declared but URLSearchParams/URL are never used (the docs\' examples declare it anyway; harmless)'
          : `${binding} is declared but never used`,
      basis: inferredFrom(RUNTIME.scan),
    }, at));
  }
  return out;
}

/** Library helpers called without an import: a ReferenceError in Kinde's runtime, which defines only the declared bindings. */
export function unimportedFindings(input: Pick<AnalyzeInput, 'scan' | 'pos'>, alreadyThrown: string[] = []): Finding[] {
  return input.scan.unimported
    .filter((u) => !alreadyThrown.some((m) => m.includes(`${u.name} is not defined`)))
    .map((u) => withAt({
      kind: 'throws',
      level: 'error',
      message:
        `${u.name}() is called but never imported: Kinde's open runtime defines no global ${u.name} (only the declared bindings are mounted), ` +
        'so the call throws a ReferenceError',
      hint: `\`${u.name}\` is not defined — import { ${u.name} } from '@kinde/infrastructure'?`,
      basis: inferredFrom(RUNTIME.mount),
    }, input.pos(u.at)));
}
