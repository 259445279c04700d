/**
 * Progress lines of a run: each names its check, the verdicts it reached,
 * the elapsed time and an estimate of what is left; folded into one
 * `::group::` per run on GitHub Actions; coloured like the summary (or not:
 * --no-color, NO_COLOR, FORCE_COLOR). Foreign text (the target's name, a
 * reason) goes through reports/sanitize.ts. On Ctrl-C `partial()` says what
 * had been checked.
 */
import { formatDuration, painter, plural } from '../cli/term.js';
import { foreignLine } from '../reports/sanitize.js';
import type { Verdict } from '../reports/results.js';
import type { ConformanceMeta } from '../runner/execute.js';
import { worseVerdict } from '../reports/format.js';

const STYLE = { PASSED: 'green', FAILED: 'red', WARNING: 'yellow', NOT_APPLICABLE: 'gray', ERRORED: 'magenta' } as const;
const NAME_MAX = 72;

export interface ProgressOptions {
  color: boolean;
  /** GITHUB_ACTIONS=true: the progress lines fold into a group. */
  github: boolean;
  write?: (text: string) => void;
  now?: () => number;
}

export class Progress {
  private readonly started: number;
  private readonly verdicts = new Map<string, Verdict>();
  private done = 0;
  private total = 0;
  private open = false;
  private readonly paint: ReturnType<typeof painter>;
  private readonly write: (text: string) => void;
  private readonly now: () => number;

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
    this.paint = painter(opts.color);
    this.write = opts.write ?? ((t) => process.stdout.write(t));
  }

  /** Opens the GitHub group the check lines fold into. */
  begin(title: string): void {
    if (this.opts.github && !this.open) {
      this.write(`::group::${foreignLine(title).replace(/::/g, ': :')}\n`);
      this.open = true;
    }
  }

  /** Closes the group before the summary. */
  end(): void {
    if (this.open) this.write('::endgroup::\n');
    this.open = false;
  }

  /** One line: `[3/50 · 0:04.2 · ~1 min left] TOKEN-ISS passed, TOKEN-AUD failed — check name (target) 1.2 s`. */
  checkDone(meta: ConformanceMeta, done: number, total: number): void {
    this.done = done;
    this.total = total;
    for (const [id, o] of Object.entries(meta.outcomes)) this.verdicts.set(id, this.verdicts.has(id) ? worseVerdict(this.verdicts.get(id)!, o.verdict) : o.verdict);
    const elapsed = this.now() - this.started;
    const left = done < total ? ` · ~${formatDuration((elapsed / done) * (total - done))} left` : '';
    const verdicts = Object.entries(meta.outcomes)
      .map(([id, o]) => this.paint(STYLE[o.verdict], `${id} ${o.verdict}`))
      .join(', ');
    const name = meta.check.length > NAME_MAX ? `${meta.check.slice(0, NAME_MAX - 1)}…` : meta.check;
    const counter = `[${String(done).padStart(String(total).length)}/${total} · ${formatDuration(elapsed)}${left}]`;
    this.write(`  ${this.paint('gray', counter)} ${verdicts} ${this.paint('dim', `— ${foreignLine(name, 200)} · ${foreignLine(meta.target.name, 80)} · ${(meta.durationMs / 1000).toFixed(1)} s`)}\n`);
  }

  /** What had been checked so far, for the line printed on SIGINT/SIGTERM. */
  partial(): string {
    const counts = new Map<Verdict, number>();
    for (const v of this.verdicts.values()) counts.set(v, (counts.get(v) ?? 0) + 1);
    const failed = [...this.verdicts].filter(([, v]) => v === 'FAILED' || v === 'ERRORED').map(([id]) => id);
    const parts = (['PASSED', 'FAILED', 'ERRORED', 'WARNING', 'NOT_APPLICABLE'] as const).filter((v) => counts.get(v)).map((v) => `${counts.get(v)} ${v.toLowerCase().replace('_', ' ')}`);
    return (
      `${this.done} of ${plural(this.total, 'check')} done in ${formatDuration(this.now() - this.started)}` +
      (this.verdicts.size > 0 ? `; ${plural(this.verdicts.size, 'requirement')} judged so far: ${parts.join(', ')}` : '') +
      (failed.length > 0 ? ` (failing: ${failed.slice(0, 12).join(', ')}${failed.length > 12 ? ', …' : ''})` : '')
    );
  }
}
