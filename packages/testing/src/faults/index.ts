export { type AppendingStore, commitUntilAcknowledged } from './commit-until-acknowledged.js';
export { FaultProxy, type LoseReplyOptions } from './fault-proxy.js';
