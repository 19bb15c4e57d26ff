import type { ExpectedRevision } from './model.js';

/** Whether a stream at `revision` satisfies `expected`. Backends may use it inside their atomic step. */
export function matchesExpected(expected: ExpectedRevision, revision: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return revision === 0;
  if (expected === 'stream-exists') return revision > 0;
  return revision === expected;
}
