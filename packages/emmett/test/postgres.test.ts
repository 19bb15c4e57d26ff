import { emmettPostgres, postgresAdapter } from './support/backends.js';
import { describeCommandHandling } from './support/command-handling.js';
import { describeEmmettContract } from './support/contract.js';

describeEmmettContract('adapter on postgres', () => postgresAdapter(), {
  actualVersionOnConflict: true,
  fromInclusive: true,
  createdNewStreamExact: true,
  checksExistence: true,
});
describeCommandHandling('adapter on postgres', () => postgresAdapter());

// Emmett's own PostgreSQL store on the same server: the contract holds for it too, save the two known differences.
describeEmmettContract('Emmett PostgreSQL store', () => emmettPostgres(), {
  actualVersionOnConflict: false,
  fromInclusive: true,
  createdNewStreamExact: false,
  checksExistence: false,
});
describeCommandHandling('Emmett PostgreSQL store', () => emmettPostgres());
