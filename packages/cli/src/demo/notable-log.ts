/**
 * Prints the demo's notable moments, a line each, without flooding: after `limit` lines of one kind the rest
 * are counted and summed up once at the end (`--verbose` lifts the limit).
 */
import type { Progress } from '../progress.js';

/** Kinds of notable lines, each with its own budget. */
export type NotableKind = 'conflict' | 'retry' | 'idempotent' | 'duplicate' | 'info' | 'problem';

/** Prints notable lines through the progress reporter, a bounded number per kind. */
export class NotableLog {
  private readonly printed = new Map<NotableKind, number>();
  private readonly hidden = new Map<NotableKind, number>();

  constructor(
    private readonly progress: Progress,
    private readonly limit: number,
  ) {}

  /** Prints `line` unless `kind` has used up its budget (problems are always printed). */
  note(kind: NotableKind, line: string): void {
    const count = this.printed.get(kind) ?? 0;
    if (kind !== 'problem' && kind !== 'info' && count >= this.limit) {
      this.hidden.set(kind, (this.hidden.get(kind) ?? 0) + 1);
      return;
    }
    this.printed.set(kind, count + 1);
    this.progress.log(line);
  }

  /** How many lines of each kind were not printed. */
  hiddenCounts(): ReadonlyMap<NotableKind, number> {
    return this.hidden;
  }
}
