import type { BackendDescriptor } from '../backend-descriptor.js';
import { memoryStorage } from './memory-storage.js';

/** The in-memory backend's descriptor: nothing to connect to, data lives as long as the process. */
export const memoryDescriptor: BackendDescriptor = {
  name: 'memory',
  packageName: '@streamstore/core',
  description: 'in-memory storage: data lives as long as the command runs',
  urlSchemes: [],
  capabilities: { globalOrder: true, backwardRead: true, listStreams: true, optimisticConcurrency: true, locking: false },
  testServer: {
    async scratch() {
      return { storage: () => memoryStorage(), describe: 'in-process', cleanup: async () => {} };
    },
  },
};
