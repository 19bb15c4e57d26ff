import { emmettInMemory, memoryAdapter } from './support/backends.js';
import { describeCommandHandling } from './support/command-handling.js';
import { describeEmmettContract } from './support/contract.js';

const adapterDialect = {
  actualVersionOnConflict: true,
  fromInclusive: true,
  createdNewStreamExact: true,
  checksExistence: true,
};

describeEmmettContract('adapter on memory', () => memoryAdapter(), adapterDialect);
describeCommandHandling('adapter on memory', () => memoryAdapter());

// Emmett's own in-memory store passes the same contract: the contract describes Emmett, not the adapter.
describeEmmettContract('Emmett in-memory store', emmettInMemory, {
  actualVersionOnConflict: true,
  fromInclusive: false,
  createdNewStreamExact: true,
  checksExistence: true,
});
describeCommandHandling('Emmett in-memory store', emmettInMemory);
