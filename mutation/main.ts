/**
 * Runs `power` on its own, before bin/cli.ts wires it in:
 *   npx tsx mutation/main.ts power --target=reference --sample=40
 */
import { POWER_EXIT, POWER_USAGE, powerCommand } from './cli.js';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'power') {
  console.error(`usage: tsx mutation/main.ts power [options]\n\n${POWER_USAGE}`);
  process.exitCode = POWER_EXIT.USAGE;
} else {
  process.exitCode = await powerCommand(rest);
}
