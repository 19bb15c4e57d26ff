import {
  createStreamStore,
  memoryCheckpointStore,
  memoryConsumerLock,
  memoryDeadLetterStore,
  memoryStorage,
} from '@streamstore/core';
import { describeConsumerStateConformance } from '@streamstore/testing/vitest';

// The in-process stores are the reference of the consumer-state contract. Their "instances" share one set of
// stores and one storage: within a process, that is what two consumers of the same name would share.
describeConsumerStateConformance({
  name: 'memory',
  site() {
    const storage = memoryStorage();
    const shared = { checkpoints: memoryCheckpointStore(), lock: memoryConsumerLock(), deadLetters: memoryDeadLetterStore() };
    return {
      async open() {
        const store = await createStreamStore({ storage, provisionSchema: true });
        // The storage is shared by every instance of the site: it is closed with the site, not with an instance.
        return { ...shared, store, close: async () => {} };
      },
      close: () => storage.close(),
    };
  },
});
