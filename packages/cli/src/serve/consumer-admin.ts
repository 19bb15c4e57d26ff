/** The server's view of consumers for a SQL store: checkpoints with their lag, and dead letters by id. */
import type { StreamStorage } from '@streamstore/core/storage';
import type { ConsumerAdmin } from '@streamstore/server';
import type { BackendName } from '../config.js';
import type { ConsumerState } from '../consumer-state.js';
import type { DeadLetterAdmin } from './dead-letter-admin.js';
import { postgresDeadLetterAdmin } from './postgres-dead-letters.js';
import { sqliteDeadLetterAdmin } from './sqlite-dead-letters.js';

/** The dead-letter admin of a backend's storage; undefined where the backend keeps no dead letters. */
export function deadLetterAdmin(backend: BackendName, storage: StreamStorage): DeadLetterAdmin | undefined {
  if (backend === 'sqlite') return sqliteDeadLetterAdmin(storage);
  if (backend === 'postgres') return postgresDeadLetterAdmin(storage);
  return undefined;
}

/** Combines the consumers' checkpoints (with the log head, for the lag) and the dead letters. */
export function consumerAdmin(state: ConsumerState, letters: DeadLetterAdmin): ConsumerAdmin {
  return {
    async consumers() {
      const [checkpoints, head] = await Promise.all([state.checkpoints(), state.headPosition()]);
      return Promise.all(
        checkpoints.map(async ({ consumer, checkpoint, updatedAt }) => {
          // Log and category consumers save a position; a stream consumer's checkpoint says nothing of the log.
          const decimal = /^(0|[1-9][0-9]{0,19})$/.test(checkpoint);
          const lag =
            !decimal || !state.hasGlobalLog
              ? null
              : head === undefined || BigInt(checkpoint) >= BigInt(head)
                ? 0
                : ((await state.eventsAfter(checkpoint)) ?? null);
          return { consumer, checkpoint, updatedAt, lag };
        }),
      );
    },
    deadLetters: (consumer) => letters.list(consumer),
    retry: (id) => letters.retry(id),
    discard: (id) => letters.discard(id),
  };
}
