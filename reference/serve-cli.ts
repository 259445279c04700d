/**
 * `kinde-token-conformance serve`: the reference issuer as a local HTTP
 * server speaking target protocol v1. Point the suite at it
 * (`run --target=http --target-url=…`), or point your own app's tests at it as
 * a Kinde-compatible token service.
 */
import { COMMAND, didYouMean, errorPrefix, parse, UsageError } from '../cli/args.js';
import { DEFECTS, isDefectName, type DefectName } from './defects.js';
import { IssuerError } from './errors.js';
import { isLoopback, startServer, type StartedServer } from './server.js';
import { closeSandbox } from './workflows/index.js';
import { protocolErrors } from '../schemas/protocol/validate.js';
import { InputFileError, readInputFile } from '../reports/read-input.js';

const USAGE = `Usage: kinde-token-conformance serve [options]

Runs the reference issuer as an HTTP server (target protocol v1, docs/target-protocol.md).

Options:
  --port N             port to listen on (default 0: a free one, printed)
  --host H             address to bind (default 127.0.0.1; anything else exposes an
                       unauthenticated token service to the network)
  --tenant FILE        provision this tenant (JSON, the Tenant model) at start
  --mutant DEFECT      switch on one seeded defect (see 'targets' for the list)
  --refresh-overlap S  seconds a rotated-out refresh token stays valid (default 0)
  -h, --help           this help`;

/** Exit codes: 0 clean shutdown, 2 usage or configuration error, 1 could not listen. */
export const SERVE_EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

export class ServeUsageError extends Error {
  readonly code = 'ERR_SERVE_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'ServeUsageError';
  }
}

export interface ServeConfig {
  port: number;
  host: string;
  defects: DefectName[];
  refreshOverlapSeconds?: number;
  tenant?: unknown;
  tenantFile?: string;
}

/** Parse argv (without the `serve` word) and load the tenant file. Throws ServeUsageError. */
export async function parseServeArgs(argv: string[]): Promise<ServeConfig | 'help'> {
  let values: { port?: string; host?: string; tenant?: string; mutant?: string; 'refresh-overlap'?: string; help?: boolean };
  try {
    ({ values } = parse(argv, { port: { type: 'string' }, host: { type: 'string' }, tenant: { type: 'string' }, mutant: { type: 'string' }, 'refresh-overlap': { type: 'string' } }, USAGE) as { values: typeof values });
  } catch (e) {
    if (e instanceof UsageError) throw new ServeUsageError(e.message);
    throw e;
  }
  if (values.help) return 'help';
  const config: ServeConfig = { port: 0, host: '127.0.0.1', defects: [] };
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new ServeUsageError(`--port must be an integer 0..65535, got "${values.port}"`);
    config.port = Number(values.port);
  }
  if (values.host !== undefined) {
    if (values.host.trim() === '') throw new ServeUsageError('--host must not be empty');
    config.host = values.host;
  }
  if (values.mutant !== undefined) {
    if (!isDefectName(values.mutant)) {
      throw new ServeUsageError(`unknown defect "${values.mutant}" for --mutant${didYouMean(values.mutant, Object.keys(DEFECTS))}; 'kinde-token-conformance targets' lists them (mutant:NAME)`);
    }
    config.defects = [values.mutant];
  }
  if (values['refresh-overlap'] !== undefined) {
    const v = values['refresh-overlap'];
    if (!/^\d+$/.test(v)) throw new ServeUsageError(`--refresh-overlap must be a whole number of seconds ≥ 0, got "${v}"`);
    config.refreshOverlapSeconds = Number(v);
  }
  if (values.tenant !== undefined) {
    config.tenantFile = values.tenant;
    config.tenant = await loadTenant(values.tenant);
  }
  return config;
}

/** A tenant file larger than this is refused before it is read (a device or FIFO is refused outright). */
const MAX_TENANT_BYTES = 16 * 1024 * 1024;

/** Read and check a tenant file; errors name the file and the field. */
export async function loadTenant(file: string): Promise<unknown> {
  let text: string;
  try {
    text = readInputFile(file, MAX_TENANT_BYTES);
  } catch (e) {
    throw new ServeUsageError(`--tenant ${file}: cannot read it (${e instanceof InputFileError ? e.reason : (e as Error).message})`);
  }
  let tenant: unknown;
  try {
    tenant = JSON.parse(text);
  } catch (e) {
    throw new ServeUsageError(`--tenant ${file}: not valid JSON (${(e as Error).message})`);
  }
  const errors = protocolErrors('tenant', tenant);
  if (errors.length > 0) {
    throw new ServeUsageError(`--tenant ${file}: not a valid tenant:\n${errors.slice(0, 10).map((e) => `  tenant${e}`).join('\n')}`);
  }
  return tenant;
}

/**
 * `serve [--port N] [--host H] [--tenant file.json] [--mutant defect] [--refresh-overlap S]`.
 * Resolves with the exit code once the server has shut down (SIGINT/SIGTERM).
 */
export async function serveCommand(argv: string[]): Promise<number> {
  let config: ServeConfig | 'help';
  try {
    config = await parseServeArgs(argv);
  } catch (e) {
    if (e instanceof ServeUsageError) {
      console.error(`${errorPrefix('serve')}${e.message}`);
      return SERVE_EXIT.USAGE;
    }
    throw e;
  }
  if (config === 'help') {
    console.log(USAGE);
    return SERVE_EXIT.OK;
  }
  if (!isLoopback(config.host)) {
    console.error(
      `${errorPrefix('serve')}WARNING: binding to ${config.host}, not loopback. Anyone who can reach this address ` +
        'can provision tenants, deploy workflows and mint tokens. Use it only on a trusted network.',
    );
  }
  let server: StartedServer;
  try {
    server = await startServer({
      port: config.port,
      host: config.host,
      defects: config.defects,
      ...(config.refreshOverlapSeconds !== undefined ? { refreshOverlapSeconds: config.refreshOverlapSeconds } : {}),
      ...(config.tenant !== undefined ? { tenant: config.tenant } : {}),
    });
  } catch (e) {
    if (e instanceof IssuerError && config.tenantFile !== undefined) {
      console.error(`${errorPrefix('serve')}--tenant ${config.tenantFile}: ${e.message}`);
      return SERVE_EXIT.USAGE;
    }
    const code = (e as NodeJS.ErrnoException).code;
    console.error(`${errorPrefix('serve')}cannot listen on ${config.host}:${config.port} (${code ?? (e as Error).message})`);
    return SERVE_EXIT.FAILED;
  }
  printBanner(server, config);
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      console.log(`\n${signal}: shutting down`);
      server
        .close()
        .then(() => closeSandbox())
        .then(
          () => resolve(SERVE_EXIT.OK),
          () => resolve(SERVE_EXIT.FAILED),
        );
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/** Form fields of an M2M app of the served tenant for the sample curl, placeholders without one. */
function sampleClient(server: StartedServer): string {
  const app = server.issuer.tenant.applications.find((a) => a.kind === 'm2m' && a.apis.length > 0);
  if (!app) return '-d client_id=<id> -d client_secret=<secret> -d audience=<api>';
  return `-d client_id=${app.clientId} -d client_secret=${app.clientSecret} -d audience=${encodeURIComponent(app.apis[0]!)}`;
}

function printBanner(server: StartedServer, config: ServeConfig): void {
  const u = server.url;
  const lines = [
    `kinde-token-conformance reference issuer listening on ${u}${config.defects.length ? ` (mutant: ${config.defects.join(', ')})` : ''}`,
    `  issuer (iss)  ${server.issuer.issuer}${config.tenant === undefined ? '  (no tenant yet: PUT /_conformance/v1/tenant or --tenant)' : ''}`,
    `  discovery     ${u}/.well-known/openid-configuration`,
    `  JWKS          ${u}/.well-known/jwks`,
    `  token         ${u}/oauth2/token`,
    `  handshake     ${u}/_conformance/v1/handshake`,
    '',
    'Run the suite against it (from another terminal, in this project or a clone):',
    `  ${COMMAND} run --target=http --target-url=${u}`,
    'Try it:',
    `  curl -s ${u}/.well-known/openid-configuration`,
    `  curl -s -X POST ${u}/oauth2/token -d grant_type=client_credentials ${sampleClient(server)}`,
    '',
    'Ctrl-C stops it.',
  ];
  console.log(lines.join('\n'));
}
