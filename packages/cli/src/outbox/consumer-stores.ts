/** The checkpoint store, consumer lock and dead-letter store the outbox relay keeps in the event store's backend. */
import {
  type CheckpointStore,
  ConfigurationError,
  type ConsumerLock,
  type DeadLetterStore,
  memoryCheckpointStore,
  memoryConsumerLock,
  memoryDeadLetterStore,
} from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import type { BackendName } from '../config.js';
import { importOptional } from '../optional-package.js';

/** The relay's durable state. */
export interface RelayStores {
  checkpoints: CheckpointStore;
  lock: ConsumerLock;
  deadLetters: DeadLetterStore;
}

type LockFactory = (storage: StreamStorage, options: { onLost?: (consumer: string) => void; leaseMs?: number }) => ConsumerLock;

/** What `@streamstore/sqlite` and `@streamstore/postgres` export for consumers, as far as the command uses it. */
interface ConsumerModule {
  checkpoints: (storage: StreamStorage) => CheckpointStore;
  lock: LockFactory;
  deadLetters: (storage: StreamStorage) => DeadLetterStore;
}

async function consumerModule(backend: 'sqlite' | 'postgres'): Promise<ConsumerModule> {
  const loaded = await importOptional<Record<string, unknown>>(`@streamstore/${backend}`, `The ${backend} outbox stores`);
  return {
    checkpoints: loaded[`${backend}CheckpointStore`] as ConsumerModule['checkpoints'],
    lock: loaded[`${backend}ConsumerLock`] as LockFactory,
    deadLetters: loaded[`${backend}DeadLetterStore`] as ConsumerModule['deadLetters'],
  };
}

/**
 * The relay's stores in `storage` (same database as the events): SQLite and PostgreSQL keep them in tables; the
 * memory backend in the process. `onLost` is called when the backend's lock finds it lost its lock.
 */
export async function relayStores(
  backend: BackendName,
  storage: StreamStorage,
  options: { onLost: (consumer: string) => void; leaseMs?: number },
): Promise<RelayStores> {
  if (backend === 'memory') {
    return { checkpoints: memoryCheckpointStore(), lock: memoryConsumerLock(), deadLetters: memoryDeadLetterStore() };
  }
  if (backend !== 'sqlite' && backend !== 'postgres') {
    throw new ConfigurationError(
      `streamstore outbox reads the global log and keeps its checkpoint in the store: use sqlite or postgres, not ${backend}`,
    );
  }
  const module = await consumerModule(backend);
  const lockOptions =
    backend === 'sqlite' && options.leaseMs !== undefined
      ? { onLost: options.onLost, leaseMs: options.leaseMs }
      : { onLost: options.onLost };
  return {
    checkpoints: module.checkpoints(storage),
    lock: module.lock(storage, lockOptions),
    deadLetters: module.deadLetters(storage),
  };
}
