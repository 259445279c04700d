/**
 * Reads a file the user named on the command line (expected results, fixtures,
 * env files): a regular file of at most `maxBytes`, read whole. A device, a
 * FIFO or a /proc entry would otherwise be read until memory or patience runs
 * out (`--fixtures=/dev/zero` hung), so they fail at once, naming the file.
 */
import { readFileSync, statSync } from 'node:fs';

export class InputFileError extends Error {
  readonly code = 'ERR_INPUT_FILE';
  /** What was wrong, without the file's name (for callers that name the file their own way). */
  readonly reason: string;
  constructor(file: string, reason: string, prefix = 'cannot read ') {
    super(`${prefix}${file}: ${reason}`);
    this.name = 'InputFileError';
    this.reason = reason;
  }
}

const why = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export function readInputFile(file: string, maxBytes: number): string {
  let stat;
  try {
    stat = statSync(file);
  } catch (e) {
    throw new InputFileError(file, why(e));
  }
  if (!stat.isFile()) throw new InputFileError(file, 'not a regular file (a device, FIFO or folder is not read)', '');
  if (stat.size > maxBytes) throw new InputFileError(file, `${stat.size} bytes; at most ${maxBytes} are read`, '');
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputFileError(file, why(e));
  }
}
