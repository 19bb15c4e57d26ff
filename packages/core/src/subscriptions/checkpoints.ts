import { StreamStoreError } from '../errors.js';

/** Thrown when a checkpoint changed under a consumer: another instance of it is running. */
export class CheckpointConflictError extends StreamStoreError {
  constructor(
    readonly consumer: string,
    readonly expected: string | undefined,
    readonly actual: string | undefined,
  ) {
    super(
      'STREAM_CONCURRENCY',
      `Checkpoint of consumer '${consumer}' is ${actual ?? 'unset'}, expected ${expected ?? 'unset'}: another instance moved it`,
    );
  }
}

/** Stores consumers' checkpoints with compare-and-set updates. */
export interface CheckpointStore {
  /** The consumer's checkpoint, or undefined when it never saved one. */
  load(consumer: string): Promise<string | undefined>;
  /** Sets the checkpoint to `next` if it is still `expected`; throws `CheckpointConflictError` otherwise. */
  save(consumer: string, expected: string | undefined, next: string): Promise<void>;
  /** Every consumer and its checkpoint (for `streamstore consumers`). */
  list?(): Promise<Array<{ consumer: string; checkpoint: string; updatedAt: Date }>>;
}

/** An in-process checkpoint store (tests, the in-memory backend). */
export function memoryCheckpointStore(): CheckpointStore {
  const checkpoints = new Map<string, { checkpoint: string; updatedAt: Date }>();
  return {
    async load(consumer) {
      return checkpoints.get(consumer)?.checkpoint;
    },
    async save(consumer, expected, next) {
      const actual = checkpoints.get(consumer)?.checkpoint;
      if (actual !== expected) throw new CheckpointConflictError(consumer, expected, actual);
      checkpoints.set(consumer, { checkpoint: next, updatedAt: new Date() });
    },
    async list() {
      return [...checkpoints].map(([consumer, value]) => ({ consumer, ...value }));
    },
  };
}
