import { s3Adapter } from './support/backends.js';
import { describeCommandHandling } from './support/command-handling.js';
import { describeEmmettContract } from './support/contract.js';

describeEmmettContract('adapter on s3', () => s3Adapter(), {
  actualVersionOnConflict: true,
  fromInclusive: true,
  createdNewStreamExact: true,
  checksExistence: true,
});
describeCommandHandling('adapter on s3', () => s3Adapter());
