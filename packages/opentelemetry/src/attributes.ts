/**
 * Attribute names and values: OpenTelemetry's database conventions for the store's operations, its messaging
 * conventions for subscriptions, and `streamstore.*` names for what neither has a word for.
 */
import type { AttributeValue } from '@opentelemetry/api';
import { type InstrumentedStore, type InstrumentedSubscription, parseStreamId, StreamStoreError } from '@streamstore/core';

/** Attribute names set by this package. */
export const ATTR = {
  dbSystem: 'db.system.name',
  dbNamespace: 'db.namespace',
  dbOperation: 'db.operation.name',
  dbCollection: 'db.collection.name',
  dbBatchSize: 'db.operation.batch.size',
  errorType: 'error.type',
  messagingSystem: 'messaging.system',
  messagingOperation: 'messaging.operation.name',
  messagingOperationType: 'messaging.operation.type',
  messagingDestination: 'messaging.destination.name',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingBatchCount: 'messaging.batch.message_count',
  messagingMessageId: 'messaging.message.id',
  backend: 'streamstore.backend',
  streamId: 'streamstore.stream.id',
  expectedRevision: 'streamstore.expected_revision',
  revision: 'streamstore.revision',
  actualRevision: 'streamstore.actual_revision',
  position: 'streamstore.position',
  eventCount: 'streamstore.event.count',
  bytes: 'streamstore.commit.bytes',
  outcome: 'streamstore.outcome',
  conflictKind: 'streamstore.conflict.kind',
  readDirection: 'streamstore.read.direction',
  readFrom: 'streamstore.read.from',
  readPages: 'streamstore.read.pages',
  deleted: 'streamstore.stream.deleted',
  attempt: 'streamstore.delivery.attempt',
  checkpoint: 'streamstore.checkpoint',
  finished: 'streamstore.batch.finished',
} as const;

export type Attributes = Record<string, AttributeValue>;

// Backends whose product has a well-known `db.system.name`; the others report their own name.
const DB_SYSTEMS: Record<string, string> = { postgres: 'postgresql', sqlite: 'sqlite', cassandra: 'cassandra' };

/** The attributes every span and metric of a store carries (low cardinality: fit for metrics). */
export function storeAttributes(store: InstrumentedStore): Attributes {
  const attributes: Attributes = {
    [ATTR.dbSystem]: DB_SYSTEMS[store.backend] ?? store.backend,
    [ATTR.backend]: store.backend,
  };
  if (store.tenant !== undefined) attributes[ATTR.dbNamespace] = store.tenant;
  return attributes;
}

/**
 * The category of a composite stream id (`order` of `order-42`), used as the collection: a plain id has none, as its
 * "category" would be the id itself, far too many values for a span name.
 */
export function categoryOfStream(streamId: unknown): string | undefined {
  // Every commit asks: a plain id (no separator) is answered without parsing it.
  if (typeof streamId !== 'string' || !streamId.includes('-')) return undefined;
  const parts = parseStreamId(streamId);
  return parts.length > 1 ? parts[0] : undefined;
}

/** The attributes of an operation on one stream. */
export function streamAttributes(
  store: InstrumentedStore,
  operation: string,
  streamId: string,
  category: string | undefined = categoryOfStream(streamId),
): Attributes {
  const attributes = storeAttributes(store);
  attributes[ATTR.dbOperation] = operation;
  if (typeof streamId === 'string') attributes[ATTR.streamId] = streamId;
  if (category !== undefined) attributes[ATTR.dbCollection] = category;
  return attributes;
}

/** A low-cardinality span name: the operation and, when there is one, the stream's category. */
export function spanName(operation: string, streamId: unknown, category = categoryOfStream(streamId)): string {
  return category === undefined ? operation : `${operation} ${category}`;
}

/** `error.type`: the error's stable code for StreamStore errors, its class name otherwise. */
export function errorType(error: unknown): string {
  if (error instanceof StreamStoreError) return error.code;
  if (error instanceof Error) return error.name || error.constructor.name;
  return '_OTHER';
}

/** Where a subscription reads: its destination name, and the low-cardinality form for span names. */
export function destinationOf(subscription: InstrumentedSubscription): { name: string; template: string } {
  const target = subscription.target;
  if (target.kind === 'all') return { name: '$all', template: '$all' };
  if (target.kind === 'category') return { name: target.category, template: target.category };
  return { name: target.streamId, template: categoryOfStream(target.streamId) ?? 'stream' };
}

/** The attributes of a subscription's spans and metrics (low cardinality). */
export function subscriptionAttributes(subscription: InstrumentedSubscription): Attributes {
  const attributes = storeAttributes(subscription.store);
  attributes[ATTR.messagingSystem] = 'streamstore';
  attributes[ATTR.messagingDestination] = destinationOf(subscription).name;
  if (subscription.consumer !== undefined) attributes[ATTR.messagingConsumerGroup] = subscription.consumer;
  return attributes;
}
