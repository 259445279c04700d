/** Runs check-workflow in-process, quietly: its exit code and what it printed (stdout and stderr apart). */
import { vi } from 'vitest';
import { checkWorkflowCommand } from '../../workflow-check/cli.js';

export async function runCheckWorkflow(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await checkWorkflowCommand(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
