import type { RecordedEvent } from '@streamstore/core';

/** One event as a broker message: the same shape for NATS JetStream and RabbitMQ. */
export interface OutboxMessage {
  /** The broker's de-duplication key (`Nats-Msg-Id`, AMQP `message-id`): the event id by default. */
  id: string;
  /** The NATS subject or the AMQP routing key. */
  subject: string;
  /** String headers: the event's type, stream, revision, position, id, recording time and metadata (JSON). */
  headers: Record<string, string>;
  body: Uint8Array;
  contentType: string;
  /** The event the message was built from. */
  event: RecordedEvent;
}

/** What the broker said about a message it accepted. */
export interface PublishReceipt {
  /** The broker recognised the message id and did not store it again (JetStream's de-duplication). */
  duplicate: boolean;
}

/**
 * A broker the relay publishes to. `publish` resolves when the broker has acknowledged the message (a JetStream
 * PubAck, a RabbitMQ publisher confirm) and rejects with {@link PublishRefusedError} when the broker refused that
 * message, or with any other error when the outcome is unknown (connection lost, no answer in time): the relay
 * retries the latter without limit and dead-letters the former after its retries. Calls may overlap: messages are
 * sent in call order on one connection, so the broker sees them in log order.
 */
export interface OutboxPublisher {
  /** Where messages go, for progress lines and errors (no credentials). */
  readonly description: string;
  publish(message: OutboxMessage): Promise<PublishReceipt>;
  /** Closes the connection (after the messages in flight were answered or failed). */
  close(): Promise<void>;
}

/**
 * The broker answered and refused this message (a JetStream API error such as a size or a limit, a RabbitMQ nack
 * or return): sending it again as is will likely fail again, so after its retries it goes to the dead-letter store.
 */
export class PublishRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishRefusedError';
  }
}
