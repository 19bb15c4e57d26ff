import { sqliteAdapter } from './support/backends.js';
import { describeCommandHandling } from './support/command-handling.js';
import { describeEmmettContract } from './support/contract.js';

describeEmmettContract('adapter on sqlite', () => sqliteAdapter(), {
  actualVersionOnConflict: true,
  fromInclusive: true,
  createdNewStreamExact: true,
  checksExistence: true,
});
describeCommandHandling('adapter on sqlite', () => sqliteAdapter());
