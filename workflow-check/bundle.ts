/**
 * Bundling a workflow file the way Kinde's runtime does
 * (kinde-oss/workflows-runtime workflowBundler/workflowBundler.go: esbuild,
 * target ESNext, CommonJS, inline source map with sources, minified whitespace
 * and syntax, tree-shaken, UTF-8, no legal comments, default platform, the
 * file's folder as working directory), and a second, instrumented copy for
 * running under check-workflow's eyes (same options, not minified, external
 * source map, the shim injected).
 *
 * Differences, on purpose: `@kinde/infrastructure` always resolves to the
 * copy the reference runs (not your node_modules), other packages are refused
 * (the reference bundles only that library; Kinde runs only its supported
 * list), and your tsconfig.json is not read.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import * as esbuild from 'esbuild';
import { BANNER, ENTRY_MODULE, entrySource, SHIM_MODULE, SHIM_SOURCE } from './shim.js';
import { PositionMap } from './sourcemap.js';

const INFRA = '@kinde/infrastructure';
const infraPackage = createRequire(import.meta.url).resolve(`${INFRA}/package.json`);
const infraManifest = JSON.parse(readFileSync(infraPackage, 'utf8')) as { version: string; module?: string; main?: string };
/** The ES module build: what esbuild's default platform picks (`module` before `main`). */
const INFRA_ENTRY = join(dirname(infraPackage), infraManifest.module ?? infraManifest.main ?? 'index.js');
const INFRA_DIR = realpathSync(dirname(infraPackage));

/** `path` (after symlinks) lies inside `dir`. */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Why esbuild must not read `path`: outside the project root (symlinks followed), or not a regular file
 * (a FIFO would hang the read, a device never ends). Undefined = it may be read.
 */
export function refuseToRead(path: string, root: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return undefined; // esbuild reports what does not exist
  }
  if (!isInside(realpathSync(root), real) && !isInside(INFRA_DIR, real)) {
    return `"${path}" lies outside the project root ${root}: check-workflow bundles only files inside it (and ${INFRA}), so it was not read`;
  }
  if (!statSync(real).isFile()) return `"${path}" is not a regular file (a FIFO, device or socket): not read`;
  return undefined;
}
export const INFRASTRUCTURE_VERSION = infraManifest.version;

export interface BuildMessage {
  text: string;
  /** Absolute path when the message has a location. */
  file?: string;
  line?: number;
  column?: number;
}

export interface KindeBundle {
  code: string;
  bytes: number;
  /** The workflow's own files (absolute), without the library. */
  files: string[];
}

export interface CheckBundle {
  code: string;
  map: PositionMap;
}

export type BuildResult<T> = { ok: true; value: T; warnings: BuildMessage[] } | { ok: false; errors: BuildMessage[] };

/**
 * Resolves the virtual shim/entry (for the checked copy of `workflow`), refuses packages other than the library,
 * and refuses to load anything outside `root` or that is not a regular file (before esbuild reads it).
 */
function resolveGuard(root: string, workflow?: string): esbuild.Plugin {
  return {
    name: 'kinde-token-conformance-imports',
    setup(build) {
      build.onResolve({ filter: /^ktc:(shim|entry)$/ }, (args) => ({ path: args.path, namespace: 'ktc' }));
      build.onLoad({ filter: /.*/, namespace: 'ktc' }, (args) =>
        args.path === SHIM_MODULE
          ? { contents: SHIM_SOURCE, loader: 'js' }
          : { contents: entrySource(workflow ?? ''), loader: 'js', resolveDir: dirname(workflow ?? '.') },
      );
      build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
        const why = refuseToRead(args.path, root);
        return why ? { errors: [{ text: why }] } : undefined;
      });
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (args.path === INFRA) return { path: INFRA_ENTRY };
        if (args.path.startsWith('.') || isAbsolute(args.path)) {
          const target = resolve(args.resolveDir, args.path);
          const why = !isInside(root, target) && !isInside(INFRA_DIR, target)
            ? `import "${args.path}" resolves outside the project root (${target}): check-workflow bundles only files inside ${root}, so it was not read`
            : undefined;
          return why ? { errors: [{ text: why }] } : undefined;
        }
        return {
          errors: [
            {
              text:
                `import "${args.path}" cannot be checked: only "${INFRA}" is bundled (the reference runs that library only; ` +
                'Kinde runs only packages from its supported list)',
            },
          ],
        };
      });
    },
  };
}

const COMMON: esbuild.BuildOptions = {
  bundle: true,
  write: false,
  format: 'cjs',
  target: 'esnext',
  platform: 'browser',
  charset: 'utf8',
  legalComments: 'none',
  treeShaking: true,
  logLevel: 'silent',
  loader: { '.js': 'js', '.ts': 'ts', '.tsx': 'tsx', '.jsx': 'jsx' },
  outdir: 'output',
  metafile: true,
  tsconfigRaw: {},
};

function messages(list: readonly esbuild.Message[], workDir: string): BuildMessage[] {
  return list.map((m) => {
    const out: BuildMessage = { text: m.text };
    if (m.location) {
      out.file = m.location.file.startsWith('ktc:') ? m.location.file : resolve(workDir, m.location.file);
      out.line = m.location.line;
      out.column = m.location.column + 1;
    }
    return out;
  });
}

async function run(options: esbuild.BuildOptions, workDir: string): Promise<BuildResult<esbuild.BuildResult>> {
  try {
    const result = await esbuild.build(options);
    return { ok: true, value: result, warnings: messages(result.warnings, workDir) };
  } catch (e) {
    const errors = (e as { errors?: esbuild.Message[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) return { ok: false, errors: messages(errors, workDir) };
    return { ok: false, errors: [{ text: (e as Error).message ?? String(e) }] };
  }
}

function userFiles(meta: esbuild.Metafile | undefined, workDir: string): string[] {
  return Object.keys(meta?.inputs ?? {})
    .filter((k) => !k.includes(':') && !k.split(/[\\/]/).includes('node_modules'))
    .map((k) => resolve(workDir, k));
}

/** The bundle Kinde would build from this file (its build errors are the `build` findings). */
export async function bundleLikeKinde(file: string, root: string = dirname(file)): Promise<BuildResult<KindeBundle>> {
  const workDir = dirname(file);
  const r = await run(
    {
      ...COMMON,
      entryPoints: [basename(file)],
      absWorkingDir: workDir,
      sourcemap: 'inline',
      sourcesContent: true,
      minifyWhitespace: true,
      minifySyntax: true,
      plugins: [resolveGuard(root)],
    },
    workDir,
  );
  if (!r.ok) return r;
  const code = r.value.outputFiles?.[0]?.text ?? '';
  return { ok: true, value: { code, bytes: Buffer.byteLength(code, 'utf8'), files: userFiles(r.value.metafile, workDir) }, warnings: r.warnings };
}

/** The instrumented copy check-workflow runs; its map leads stack frames back to your lines. */
export async function bundleForCheck(file: string, root: string = dirname(file)): Promise<BuildResult<CheckBundle>> {
  const workDir = dirname(file);
  const r = await run(
    {
      ...COMMON,
      entryPoints: [ENTRY_MODULE],
      absWorkingDir: workDir,
      sourcemap: 'external',
      sourcesContent: false,
      inject: [SHIM_MODULE],
      banner: { js: BANNER },
      plugins: [resolveGuard(root, file)],
    },
    workDir,
  );
  if (!r.ok) return r;
  const js = r.value.outputFiles?.find((f) => f.path.endsWith('.js'));
  const map = r.value.outputFiles?.find((f) => f.path.endsWith('.map'));
  if (!js || !map) return { ok: false, errors: [{ text: 'esbuild produced no bundle or no source map' }] };
  return { ok: true, value: { code: js.text, map: new PositionMap(map.text, dirname(map.path)) }, warnings: r.warnings };
}
