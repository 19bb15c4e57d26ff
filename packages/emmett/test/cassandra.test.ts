import { useSharedNode } from '../../cassandra/test/node-lock.js';
import { cassandraAdapter } from './support/backends.js';
import { describeCommandHandling } from './support/command-handling.js';
import { describeEmmettContract } from './support/contract.js';

// The Cassandra fault tests stop the shared node: hold it in shared mode meanwhile.
useSharedNode();

describeEmmettContract('adapter on cassandra', () => cassandraAdapter(), {
  actualVersionOnConflict: true,
  fromInclusive: true,
  createdNewStreamExact: true,
  checksExistence: true,
});
describeCommandHandling('adapter on cassandra', () => cassandraAdapter());
