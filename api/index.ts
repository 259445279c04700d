/**
 * The library API of kinde-token-conformance, for a project's own tests:
 *
 * - {@link startReferenceIssuer}: a Kinde stand-in on 127.0.0.1 (the `serve`
 *   server as a function): real RS256 tokens, JWKS, discovery, the three
 *   grants, workflows, a controllable clock and key rotation.
 * - {@link runConformance}: a conformance run against a target (a name, a
 *   module path, or an {@link Adapter} object of your own) or a verifier,
 *   returning the results every report is built from.
 */
import { DEFAULT_RUNS } from '../runner/options.js';
import { writeReports, type WrittenReports } from '../reports/write.js';
import { exitCodeFor, type RunResults } from '../reports/results.js';
import { runChecks, unreachable, type RunOutcome } from '../runner/run.js';
import { isModulePath } from '../targets/load.js';
import { resolve } from 'node:path';
import { startServer } from '../reference/server.js';
import type { DefectName } from '../reference/defects.js';
import type { Adapter, DeployedWorkflow, Tenant, WorkflowFixtureSet } from '../adapters/types.js';
import type { VerifierAdapter } from '../adapters/verifier-types.js';

export type {
  Adapter,
  AuthorizeRequest,
  AuthorizeResult,
  Capabilities,
  Capability,
  ClientCredentialsRequest,
  CodeExchangeRequest,
  DeployedWorkflow,
  HttpGetAnswer,
  Jwks,
  RefreshRequest,
  ResponseHeaders,
  SignInRequest,
  TargetInfo,
  Tenant,
  TokenResult,
  TokenSet,
  WorkflowFixtureSet,
} from '../adapters/types.js';
export { AdapterError } from '../adapters/types.js';
export type { RequestShape, VerifierAdapter, VerifierCapability, VerifierInfo, VerificationContext } from '../adapters/verifier-types.js';
export type { RunResults, RequirementResult, Verdict } from '../reports/results.js';
export { EXIT } from '../reports/results.js';
export { requirements } from '../schemas/catalog.js';

export interface ConformanceRunOptions {
  /** A target name (`reference`, `http`, `mutant:…`), a path to an adapter module, or an adapter object. Default `reference`. */
  target?: string | Adapter;
  targetUrl?: string;
  /** A verifier name, a module path, or a verifier object: checks the verifier, with tokens from `target`. */
  verifier?: string | VerifierAdapter;
  verifierUrl?: string;
  /** Default: random (it is in the results). */
  seed?: number;
  /** Generated cases per check (default 100). */
  runs?: number;
  /** Only the checks of these requirement IDs. */
  only?: string[];
  strict?: boolean;
  timeoutMs?: number;
  /** Checks at once in worker threads (named targets only; adapter objects run inline). */
  concurrency?: number;
  keepGoing?: boolean;
  /** Write every report format here too. */
  reportDir?: string;
}

export interface ConformanceRun {
  results: RunResults;
  /** The exit code the command line would give: 0 conforming, 1 failed, 2 nothing checked, 3 unreachable. */
  exitCode: number;
  checks: RunOutcome['checks'];
  reports?: WrittenReports;
}

/** Thrown when the options select no check at all (a run that checks nothing is never a pass). */
export class NothingToRunError extends Error {
  readonly code = 'ERR_NOTHING_TO_RUN';
}

export async function runConformance(opts: ConformanceRunOptions = {}): Promise<ConformanceRun> {
  const named = (x: string | object | undefined) => (typeof x === 'string' ? (isModulePath(x) ? resolve(x) : x) : undefined);
  const target = typeof opts.target === 'object' ? opts.target.name : (named(opts.target) ?? 'reference');
  const verifier = typeof opts.verifier === 'object' ? opts.verifier.name : named(opts.verifier);
  const outcome = await runChecks(
    {
      target,
      seed: opts.seed ?? (Date.now() ^ (process.pid << 8)) & 0x7fffffff,
      runs: opts.runs ?? DEFAULT_RUNS,
      strict: opts.strict ?? false,
      only: opts.only ?? [],
      ...(opts.targetUrl !== undefined ? { targetUrl: opts.targetUrl } : {}),
      ...(verifier !== undefined ? { verifier } : {}),
      ...(opts.verifierUrl !== undefined ? { verifierUrl: opts.verifierUrl } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      ...(opts.keepGoing ? { keepGoing: true } : {}),
    },
    {},
    {
      ...(typeof opts.target === 'object' ? { adapter: opts.target } : {}),
      ...(typeof opts.verifier === 'object' ? { verifier: opts.verifier } : {}),
    },
  );
  if (!outcome.results) throw new NothingToRunError(`no conformance check selected (only: ${(opts.only ?? []).join(', ') || 'all'})`);
  const results = outcome.results;
  let exitCode = exitCodeFor(results);
  if (unreachable(outcome)) exitCode = 3;
  else if (results.summary.total === results.summary.NOT_APPLICABLE) exitCode = 2;
  const reports = opts.reportDir !== undefined ? await writeReports(results, opts.reportDir) : undefined;
  return { results, exitCode, checks: outcome.checks, ...(reports ? { reports } : {}) };
}

export interface ReferenceIssuerOptions {
  /** Provisioned at start (the Tenant model of docs/target-protocol.md); more can follow through `provision`. */
  tenant?: Tenant;
  /** 0 (default) picks a free port. Always 127.0.0.1. */
  port?: number;
  /** Seconds a rotated-out refresh token stays valid (default 0). */
  refreshOverlapSeconds?: number;
  /** Seeded defects, to see your own tests catch a broken issuer. */
  defects?: DefectName[];
}

export interface ReferenceIssuer {
  /** Base URL, e.g. `http://127.0.0.1:39123`. Point your SDK's domain here. */
  url: string;
  /** The `iss` of its tokens: `https://<subdomain>.kinde.com` of the tenant. */
  readonly issuer: string;
  discoveryUrl: string;
  jwksUrl: string;
  tokenUrl: string;
  authorizeUrl: string;
  provision(tenant: Tenant): Promise<void>;
  /** `fixtures`: what the workflow's kinde.env and kinde.fetch answer (schemas/workflow-fixtures.schema.json). */
  deployWorkflow(source: string, fixtures?: WorkflowFixtureSet): Promise<DeployedWorkflow>;
  removeWorkflow(id: string): Promise<void>;
  /** Move the issuer's clock forward (tokens, expiry, refresh-token lifetimes). */
  advanceClock(seconds: number): Promise<void>;
  /** A new signing key; the old one leaves the JWKS. */
  rotateKeys(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the reference issuer on 127.0.0.1 and hands back its URLs and a typed control handle. */
export async function startReferenceIssuer(opts: ReferenceIssuerOptions = {}): Promise<ReferenceIssuer> {
  const server = await startServer({
    port: opts.port ?? 0,
    host: '127.0.0.1',
    ...(opts.defects ? { defects: opts.defects } : {}),
    ...(opts.refreshOverlapSeconds !== undefined ? { refreshOverlapSeconds: opts.refreshOverlapSeconds } : {}),
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
  });
  const issuer = server.issuer;
  const u = server.url;
  return {
    url: u,
    get issuer() {
      return issuer.issuer;
    },
    discoveryUrl: `${u}/.well-known/openid-configuration`,
    jwksUrl: `${u}/.well-known/jwks`,
    tokenUrl: `${u}/oauth2/token`,
    authorizeUrl: `${u}/oauth2/auth`,
    async provision(tenant) {
      issuer.provision(tenant);
    },
    deployWorkflow: (source, fixtures) => issuer.deployWorkflow(source, fixtures),
    async removeWorkflow(id) {
      issuer.removeWorkflow(id);
    },
    async advanceClock(seconds) {
      issuer.clock.advance(seconds);
    },
    rotateKeys: () => issuer.rotateKeys(),
    close: () => server.close(),
  };
}
