import type { CommitTarget } from './commit-events.js';
import type { InstrumentedStore, StoreInstrumentation } from './instrumentation.js';
import type { PageSource } from './read-pages.js';

/**
 * What the operations of one store work with: a commit's target and a read's page source in one object, with the
 * instrumentation hooks and the identity they report (see store-reads.ts and store-writes.ts).
 */
export interface StoreContext extends CommitTarget, PageSource {
  readonly instrumentation: StoreInstrumentation | undefined;
  readonly identity: InstrumentedStore;
}
