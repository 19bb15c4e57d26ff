export { DEFAULT_SUBJECT, HEADERS, type MessageOptions, messageBuilder, subjectToken } from './message.js';
export type { OutboxMessage, OutboxPublisher, PublishReceipt } from './publisher.js';
export { PublishRefusedError } from './publisher.js';
export { type OutboxRelay, type OutboxRelayOptions, type OutboxSource, type OutboxStats, startOutboxRelay } from './relay.js';
