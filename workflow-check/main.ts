/**
 * Standalone entry of check-workflow (until bin/cli.ts routes the command):
 *   npx tsx workflow-check/main.ts <file | kindeSrc folder> [--seed=N] [--runs=N] [--replay=FILE] [--report-dir=DIR] [--json]
 */
import { checkWorkflowCommand } from './cli.js';

process.exit(await checkWorkflowCommand(process.argv.slice(2)));
