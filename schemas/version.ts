/** The suite's own version (package.json), for handshakes, reports and --version. */
import pkg from '../package.json' with { type: 'json' };

export const SUITE_VERSION: string = pkg.version;
