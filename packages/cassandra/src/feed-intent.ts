import type { FeedKey } from './feed-position.js';

/**
 * A feed entry written before a commit's LWT: where it is, and what the LWT must carry. `condition` is what the LWT
 * requires of the bucket's `feed_ts`: below `ts` (`above`) or unset (`null`). Apart from the feed writer, so the
 * commit batch can take it without importing the writer (which takes the batch's types).
 */
export interface FeedIntent {
  readonly ts: number;
  readonly key: FeedKey;
  readonly shard: number;
  readonly slot: number;
  readonly condition: 'above' | 'null';
  /** The global position of the commit's event `index`. */
  position(index: number): string;
}
