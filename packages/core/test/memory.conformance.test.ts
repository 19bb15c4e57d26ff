import { memoryStorage } from '@streamstore/core';
import { describeConformance } from '@streamstore/testing/vitest';

// The in-memory storage is the reference implementation of the SPI: it must pass every scenario. It has no
// `reopen`: a second MemoryStorage over the same state is not reachable through the public API.
describeConformance({
  name: 'memory',
  storage: () => memoryStorage(),
  multitenant: () => memoryStorage.multitenant(),
});
