/**
 * Finding workflows the way Kinde does (kinde-oss/workflows-runtime
 * projectBundler/projectBundler.go; docs "Project structure"): a project has
 * `kinde.json` (its `rootDir`, default `kindeSrc`), workflows live anywhere
 * under `<rootDir>/environment/workflows/`, and a workflow file is one whose
 * name ends with `workflow.ts` or `workflow.js`, compared lower-cased.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../cli/args.js';

/** Usage errors of check-workflow are the command line's own (exit 2, one line). */
export { UsageError } from '../cli/args.js';

export interface Discovery {
  /** Workflow files, absolute, sorted. */
  workflows: string[];
  /** The `environment/workflows` folder, when the input was a folder. */
  workflowsDir?: string;
  /** Files under the workflows folder that look like workflows but that Kinde will not discover. */
  ignored: string[];
  /** The project root: nothing outside it is read (imports, rootDir). */
  root: string;
}

const inside = (dir: string, p: string): boolean => {
  const rel = relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** The project a path belongs to: the nearest folder with kinde.json, else the folder given, else the cwd or the file's folder. */
function rootFor(abs: string, isFolder: boolean): string {
  const project = projectRoot(isFolder ? join(abs, 'kinde.json') : abs);
  if (project) return project;
  if (isFolder) return abs;
  return inside(process.cwd(), abs) ? process.cwd() : dirname(abs);
}

const SOURCE_EXTENSIONS = new Set(['.ts', '.js', '.tsx', '.jsx', '.mts', '.mjs', '.cts', '.cjs']);
const MAX_FILES = 10_000;

export function isWorkflowFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('workflow.ts') || lower.endsWith('workflow.js');
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function rootDirOf(kindeJson: string): string {
  if (!statSync(kindeJson).isFile()) throw new UsageError(`${kindeJson} is not a regular file (a FIFO, device or socket): refused before reading`);
  try {
    const parsed = JSON.parse(readFileSync(kindeJson, 'utf8')) as { rootDir?: unknown };
    return typeof parsed.rootDir === 'string' && parsed.rootDir !== '' ? parsed.rootDir : 'kindeSrc';
  } catch {
    throw new UsageError(`${kindeJson} is not valid JSON`);
  }
}

/** The `environment/workflows` folder a given folder stands for, if any. */
function workflowsFolder(folder: string): string | undefined {
  const candidates: string[] = [];
  const kindeJson = join(folder, 'kinde.json');
  if (existsSync(kindeJson)) {
    const rootDir = rootDirOf(kindeJson);
    const target = resolve(folder, rootDir);
    let real = target;
    try {
      real = realpathSync(target);
    } catch {
      /* not there: nothing is read */
    }
    if (!inside(realpathSync(folder), real)) {
      throw new UsageError(`${kindeJson}: rootDir ${JSON.stringify(rootDir)} lies outside the project (${folder}): refused, nothing outside it is read`);
    }
    candidates.push(join(target, 'environment', 'workflows'));
  }
  candidates.push(join(folder, 'environment', 'workflows'), join(folder, 'kindeSrc', 'environment', 'workflows'));
  const found = candidates.find(isDir);
  if (found) return found;
  // Inside a workflows folder already (…/environment/workflows/…)
  const parts = folder.split(sep);
  for (let i = parts.length - 1; i > 0; i--) {
    if (parts[i] === 'workflows' && parts[i - 1] === 'environment') return folder;
  }
  return undefined;
}

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= MAX_FILES) return;
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && SOURCE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(p);
  }
}

function mentionsSettings(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes('workflowSettings');
  } catch {
    return false;
  }
}

export function discover(input: string): Discovery {
  const abs = resolve(input);
  if (!existsSync(abs)) throw new UsageError(`no such file or folder: ${input}`);
  if (!isDir(abs)) {
    if (!SOURCE_EXTENSIONS.has(extname(abs).toLowerCase())) {
      throw new UsageError(`${input} is not a workflow source file (.ts or .js)`);
    }
    if (!statSync(abs).isFile()) throw new UsageError(`${input} is not a regular file (a FIFO, device or socket): refused before reading`);
    return { workflows: [abs], ignored: [], root: rootFor(abs, false) };
  }
  const folder = workflowsFolder(abs);
  if (!folder) {
    throw new UsageError(
      `no workflows found in ${input}: expected kindeSrc/environment/workflows/**/*Workflow.ts (or a kinde.json naming rootDir)`,
    );
  }
  const files: string[] = [];
  walk(folder, files);
  const workflows = files.filter((f) => isWorkflowFileName(basename(f)));
  const ignored = files.filter((f) => !isWorkflowFileName(basename(f)) && mentionsSettings(f));
  if (workflows.length === 0) {
    throw new UsageError(`no workflows found in ${input}: no file under ${folder} has a name ending in Workflow.ts or Workflow.js`);
  }
  return { workflows, workflowsDir: folder, ignored, root: rootFor(abs, true) };
}

/** Nearest folder at or above `file` holding kinde.json, if any. */
export function projectRoot(file: string): string | undefined {
  let dir = dirname(resolve(file));
  for (;;) {
    if (existsSync(join(dir, 'kinde.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
