/**
 * What check-workflow knows about workflow bindings: the names Kinde's library
 * and runtime use, which token binding each trigger offers, which library
 * helper needs which binding, and what the reference implements today.
 */
import { BINDING_TOKEN, TRIGGER_BINDINGS, type WorkflowTriggerName } from '../generators/workflow.js';
import { M2M_TRIGGER, USER_TRIGGER } from '../reference/issuer.js';
import { TOKEN_BINDINGS, type TokenBinding } from '../reference/workflows/index.js';

export { BINDING_TOKEN, M2M_TRIGGER, USER_TRIGGER };
export type TokenTrigger = WorkflowTriggerName;

/**
 * Where a statement comes from: `documented` only with a quote of the docs that states it
 * (shared/spec/kinde-token-facts.md); otherwise `inferred`, naming the source (Kinde's runtime
 * file and function, the library's code, or the reference's own model).
 */
export interface Basis {
  level: 'documented' | 'inferred';
  source: string;
  /** The docs' words (documented) or what the source shows (inferred). */
  quote?: string;
}

export const DOCS = Object.freeze({
  bindings: 'https://docs.kinde.com/workflows/configuration/bindings/',
  settings: 'https://docs.kinde.com/workflows/configuration/workflow-settings/',
  projectStructure: 'https://docs.kinde.com/workflows/getting-started/project-structure/',
  customizeTokens: 'https://docs.kinde.com/workflows/workflow-tutorials/customize-token-with-workflow/',
  fetchTutorial: 'https://docs.kinde.com/workflows/workflow-tutorials/fetch-third-party-data/',
  userTrigger: 'https://docs.kinde.com/workflows/example-workflows/user-token-generation/',
  m2mTrigger: 'https://docs.kinde.com/workflows/example-workflows/m2m-token-generation-workflow/',
  dependencies: 'https://docs.kinde.com/workflows/configuration/dependencies/',
});

/** Files (and functions) of kinde-oss/workflows-runtime whose behaviour check-workflow matches where the docs are silent. */
export const RUNTIME = Object.freeze({
  bundler: 'kinde-oss/workflows-runtime workflowBundler/workflowBundler.go',
  bundlerSettings: 'kinde-oss/workflows-runtime workflowBundler/workflowBundler.go (until 2024-11, commit ff9e8cb)',
  discovery: 'kinde-oss/workflows-runtime projectBundler/projectBundler.go, maybeAddWorkflow',
  vm: 'kinde-oss/workflows-runtime gojaRuntime/gojaRuntime.go',
  /** setupVM mounts builtInModules (console, url, util) and native kinde.* modules only for names in the workflow's bindings. */
  mount: 'kinde-oss/workflows-runtime gojaRuntime/gojaRuntime.go, setupVM (builtInModules, nativeModules.setupModuleForVM: only the declared bindings)',
  url: 'kinde-oss/workflows-runtime gojaRuntime/gojaRuntime.go, builtInModules["url"] → gojaRuntime/url/module.go, Enable (sets URL and URLSearchParams)',
  execute: 'kinde-oss/workflows-runtime gojaRuntime/gojaRuntime.go, Execute',
  library: '@kinde/infrastructure (dist/infrastructure.js)',
  reference: "check-workflow's reference runtime (its own model; Kinde does not document this)",
  scan: "what check-workflow's scan of your code and its runs showed",
});

/** Verbatim docs quotes (shared/spec/kinde-token-facts.md) behind the `documented` findings. */
export const QUOTES = Object.freeze({
  tokenBinding: {
    'kinde.accessToken': '`kinde.accessToken`: required to modify access token claims',
    'kinde.idToken': '`kinde.idToken`: required to modify ID token claims',
    'kinde.m2mToken': '`kinde.m2mToken`: required to modify M2M token claims',
  } as Record<string, string>,
  prohibited: "You can't modify the following token claims:",
  userTrigger: 'fires when ID and Access tokens are generated for a user',
  m2mTrigger: 'fires when an M2M token is generated.',
  managementApi: 'You cannot modify tokens when the Kinde management API has been requested as an audience.',
  failurePolicy: 'behavior when workflow execution fails (for example, during fetch timeouts or exceptions)',
});

export function documentedBy(source: string, quote: string): Basis {
  return { level: 'documented', source, quote };
}

export function inferredFrom(source: string, quote?: string): Basis {
  return { level: 'inferred', source, ...(quote ? { quote } : {}) };
}

/** Token bindings each token trigger offers (binding pages: "available in user:tokens_generation" …). */
export const TRIGGER_TOKEN_BINDINGS: Readonly<Record<TokenTrigger, readonly TokenBinding[]>> = TRIGGER_BINDINGS;

export function isTokenTrigger(t: string | undefined): t is TokenTrigger {
  return t === USER_TRIGGER || t === M2M_TRIGGER;
}

export function isTokenBinding(name: string): name is TokenBinding {
  return (TOKEN_BINDINGS as readonly string[]).includes(name);
}

/**
 * Binding names Kinde knows: the keys of `WorkflowSettings.bindings` in
 * @kinde/infrastructure's types, plus `kinde.plan`/`kinde.cache` (used by its
 * helpers) and `util` (a built-in module of Kinde's runtime, gojaRuntime.go).
 */
export const KNOWN_BINDINGS: readonly string[] = [
  ...TOKEN_BINDINGS,
  'console',
  'url',
  'util',
  'kinde.env',
  'kinde.fetch',
  'kinde.secureFetch',
  'kinde.widget',
  'kinde.auth',
  'kinde.localization',
  'kinde.mfa',
  'kinde.ssoSession',
  'kinde.plan',
  'kinde.cache',
];

/** Bindings named by the docs or by the library's `WorkflowSettings.bindings` type; the rest are library or runtime internals. */
export const DOCUMENTED_BINDINGS: readonly string[] = KNOWN_BINDINGS.filter((b) => !['util', 'kinde.plan', 'kinde.cache'].includes(b));

/**
 * Non-token bindings the reference runtime implements (reference/workflows/sandbox-bindings.js,
 * sandbox-url.js): env and fetch are answered from the user's fixtures; console is always there.
 */
export const REFERENCE_NATIVE_BINDINGS: readonly string[] = ['console', 'url', 'kinde.env', 'kinde.fetch', 'kinde.secureFetch', 'kinde.cache'];

/**
 * Bindings the reference mounts along with another declared one: kinde.cache with kinde.fetch (inferred: the docs'
 * M2M tutorial declares kinde.m2mToken, kinde.fetch, kinde.env and url, and its createKindeAPI calls kinde.cache.jwtToken).
 */
export const IMPLIED_BINDINGS: Readonly<Record<string, string>> = { 'kinde.cache': 'kinde.fetch' };

export function isDeclared(binding: string, declared: ReadonlySet<string>): boolean {
  const by = IMPLIED_BINDINGS[binding];
  return declared.has(binding) || (by !== undefined && declared.has(by));
}

/** Bindings the reference runtime implements. Everything else is reported, not run. */
export function referenceSupports(binding: string): boolean {
  return isTokenBinding(binding) || REFERENCE_NATIVE_BINDINGS.includes(binding);
}

/**
 * Library helpers and the bindings they use, read from @kinde/infrastructure
 * 0.9.0's code: `fetch`/`secureFetch` touch only kinde.fetch / kinde.secureFetch
 * (never URL or URLSearchParams); `createKindeAPI` starts with
 * `if (!URLSearchParams)` and getM2MToken builds its body with `new URLSearchParams`,
 * which Kinde's runtime defines only when `url` is declared.
 * `maybe` bindings are used only on some paths (createKindeAPI reads kinde.env
 * unless it is given a client id and secret).
 */
export const HELPER_BINDINGS: Readonly<Record<string, { needs: readonly string[]; maybe?: readonly string[] }>> = {
  accessTokenCustomClaims: { needs: ['kinde.accessToken'] },
  idTokenCustomClaims: { needs: ['kinde.idToken'] },
  m2mTokenClaims: { needs: ['kinde.m2mToken'] },
  getEnvironmentVariable: { needs: ['kinde.env'] },
  fetch: { needs: ['kinde.fetch'] },
  secureFetch: { needs: ['kinde.secureFetch'] },
  getM2MToken: { needs: ['kinde.fetch', 'url'] },
  createKindeAPI: { needs: ['kinde.fetch', 'url'], maybe: ['kinde.env'] },
  getLocalization: { needs: ['kinde.localization'] },
  denyAccess: { needs: ['kinde.auth'] },
  invalidateFormField: { needs: ['kinde.widget'] },
  setEnforcementPolicy: { needs: ['kinde.mfa'] },
  denyPlanSelection: { needs: ['kinde.plan'] },
  denyPlanCancellation: { needs: ['kinde.plan'] },
};

/** Helpers returning a claims proxy: assignments to its properties are claim writes. */
export const CLAIM_PROXIES: Readonly<Record<string, TokenBinding>> = {
  accessTokenCustomClaims: 'kinde.accessToken',
  idTokenCustomClaims: 'kinde.idToken',
  m2mTokenClaims: 'kinde.m2mToken',
};

/** The `kinde.<name>` property a binding mounts (`kinde.accessToken` → `accessToken`); undefined for native ones. */
export function kindeProperty(binding: string): string | undefined {
  return binding.startsWith('kinde.') ? binding.slice('kinde.'.length) : undefined;
}

/** Globals a native binding provides (Kinde's runtime mounts them only when declared). */
export const NATIVE_GLOBALS: Readonly<Record<string, string>> = {
  URLSearchParams: 'url',
  URL: 'url',
  console: 'console',
  util: 'util',
};

export const TRIGGER_TITLE: Readonly<Record<TokenTrigger, string>> = {
  [USER_TRIGGER]: 'user token generation',
  [M2M_TRIGGER]: 'M2M token generation',
};

/** Documented trigger strings (enum WorkflowTrigger of @kinde/infrastructure). */
export const KNOWN_TRIGGERS: readonly string[] = [
  USER_TRIGGER,
  'user:pre_mfa',
  'user:post_authentication',
  M2M_TRIGGER,
  'user:existing_password_provided',
  'user:new_password_provided',
  'user:plan_selection',
  'user:plan_cancellation_request',
  'user:pre_registration',
  'user:new_username_provided',
];
