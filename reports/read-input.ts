/**
 * Reads a file the user named on the command line (expected results, fixtures,
 * env files): a regular file of at most `maxBytes`, read whole. A device, a
 * FIFO or a /proc entry would otherwise be read until memory or patience runs
 * out (`--fixtures=/dev/zero` hung), so they fail at once, naming the file.
 */
import { readFileSync, statSync } from 'node:fs';

export class InputFileError extends Error {
  readonly code = 'ERR_INPUT_FILE';
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

const why = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export function readInputFile(file: string, maxBytes: number): string {
  let stat;
  try {
    stat = statSync(file);
  } catch (e) {
    throw new InputFileError(`cannot read ${file}: ${why(e)}`);
  }
  if (!stat.isFile()) throw new InputFileError(`${file} is not a regular file`);
  if (stat.size > maxBytes) throw new InputFileError(`${file} is ${stat.size} bytes; at most ${maxBytes}`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputFileError(`cannot read ${file}: ${why(e)}`);
  }
}
