/**
 * The NATS JetStream publisher of the outbox (`@streamstore/outbox/nats`). Needs `@nats-io/transport-node` and
 * `@nats-io/jetstream`, optional peer dependencies of this package.
 */
import { JetStreamApiError, type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type ConnectionOptions, connect, errors, headers, type NatsConnection } from '@nats-io/transport-node';
import type { OutboxMessage, OutboxPublisher, PublishReceipt } from './publisher.js';
import { PublishRefusedError } from './publisher.js';

/** The JetStream stream the relay makes sure exists (created when missing, left as it is when present). */
export interface JetStreamStreamOptions {
  name: string;
  /** Subjects it captures (default `['events.>']`, matching the default subject template). */
  subjects?: string[];
  /**
   * How long JetStream remembers message ids to drop duplicates (default 120,000 ms). A relay restarted after a
   * crash sends again what it had in flight: the window must outlast a restart for exactly-once storage.
   */
  duplicateWindowMs?: number;
}

/** Options of {@link natsPublisher}. */
export interface NatsPublisherOptions {
  /** Server URLs, e.g. `nats://127.0.0.1:4222`; ignored when `connection` is given. */
  servers?: string | string[];
  /** More connection options (credentials, TLS...). Reconnects forever by default. */
  connectionOptions?: Partial<ConnectionOptions>;
  /** Bring your own connection (then `close` leaves it open). */
  connection?: NatsConnection;
  /** Create this stream when it does not exist. */
  stream?: JetStreamStreamOptions;
  /** How long to wait for a PubAck before the outcome counts as unknown and the message is sent again (default 5,000 ms). */
  ackTimeoutMs?: number;
}

/** The NATS publisher, with its connection. */
export interface NatsOutboxPublisher extends OutboxPublisher {
  readonly connection: NatsConnection;
  readonly jetstream: JetStreamClient;
}

/** A refusal is an answer from JetStream about this message; no answer or a lost connection is not. */
function classify(error: unknown, message: OutboxMessage): unknown {
  if (error instanceof JetStreamApiError) {
    return new PublishRefusedError(`JetStream refused message ${message.id} on '${message.subject}': ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof errors.InvalidArgumentError) {
    return new PublishRefusedError(`NATS refused message ${message.id}: ${error.message}`, { cause: error });
  }
  return error;
}

/**
 * Connects to NATS and returns a publisher for {@link startOutboxRelay}: each message is a JetStream publish with
 * `Nats-Msg-Id` set to the message id (JetStream drops a repeated id within the stream's duplicate window and
 * answers `duplicate: true`), the relay's headers, and awaits its PubAck. Publishes overlap on one connection, in
 * call order.
 * @example
 * const publisher = await natsPublisher({ servers: 'nats://127.0.0.1:4222', stream: { name: 'EVENTS' } });
 */
export async function natsPublisher(options: NatsPublisherOptions): Promise<NatsOutboxPublisher> {
  const owned = options.connection === undefined;
  const connection =
    options.connection ??
    (await connect({
      servers: options.servers ?? 'nats://127.0.0.1:4222',
      // A broker restart must not end the relay: it keeps reconnecting and sends again what was unanswered.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ...options.connectionOptions,
    }));
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  try {
    if (options.stream) await ensureStream(connection, options.stream);
  } catch (error) {
    if (owned) await connection.close().catch(() => undefined);
    throw error;
  }
  const js = jetstream(connection, { timeout: ackTimeoutMs });
  const server = connection.getServer();
  return {
    description: `nats://${server}${options.stream ? ` (stream ${options.stream.name})` : ''}`,
    connection,
    jetstream: js,
    async publish(message: OutboxMessage): Promise<PublishReceipt> {
      const h = headers();
      for (const [key, value] of Object.entries(message.headers)) h.set(key, value);
      h.set('Content-Type', message.contentType);
      try {
        const ack = await js.publish(message.subject, message.body, { msgID: message.id, headers: h, timeout: ackTimeoutMs });
        return { duplicate: ack.duplicate };
      } catch (error) {
        throw classify(error, message);
      }
    },
    async close() {
      if (!owned) return;
      await connection.drain().catch(() => connection.close());
    },
  };
}

/** Creates the stream when missing; an existing stream keeps its configuration (it is the operator's). */
async function ensureStream(connection: NatsConnection, stream: JetStreamStreamOptions): Promise<void> {
  const manager = await jetstreamManager(connection);
  try {
    await manager.streams.info(stream.name);
    return;
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== 10059) throw error;
  }
  await manager.streams.add({
    name: stream.name,
    subjects: stream.subjects ?? ['events.>'],
    duplicate_window: (stream.duplicateWindowMs ?? 120_000) * 1_000_000,
  });
}
