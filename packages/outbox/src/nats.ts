/**
 * The NATS JetStream publisher of the outbox (`@streamstore/outbox/nats`). Needs `@nats-io/transport-node` and
 * `@nats-io/jetstream`, optional peer dependencies of this package.
 */
import { JetStreamApiError, type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type ConnectionOptions, connect, createInbox, errors, headers, type NatsConnection } from '@nats-io/transport-node';
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

/** A JetStream publish acknowledgement, or its refusal. */
interface PubAckReply {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code?: number; err_code?: number; description?: string };
}

interface Waiting {
  message: OutboxMessage;
  deadline: number;
  resolve(receipt: PublishReceipt): void;
  reject(error: unknown): void;
}

const decoder = new TextDecoder();

/**
 * Connects to NATS and returns a publisher for {@link startOutboxRelay}: each message is a JetStream publish with
 * `Nats-Msg-Id` set to the message id (JetStream drops a repeated id within the stream's duplicate window and
 * answers `duplicate: true`) and the relay's headers; its promise settles on the PubAck. Publishes overlap on one
 * connection, in call order. Acknowledgements come to one wildcard inbox subscription and are matched by reply
 * subject, with one timer for all timeouts: a request per message (a timer and an inbox entry each) costs several
 * times more CPU than the broker's work.
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
  const inbox = createInbox();
  // Insertion order is send order, so deadlines ascend: the sweep stops at the first one not due.
  const waiting = new Map<string, Waiting>();
  let sequence = 0;
  const subscription = connection.subscribe(`${inbox}.*`, {
    callback: (error, reply) => {
      if (error) return;
      const entry = waiting.get(reply.subject);
      if (!entry) return;
      waiting.delete(reply.subject);
      settle(entry, reply.data, reply.headers?.code ?? 0, reply.headers?.description ?? '');
    },
  });
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const [subject, entry] of waiting) {
        if (entry.deadline > now) break;
        waiting.delete(subject);
        entry.reject(new errors.TimeoutError());
      }
    },
    Math.max(10, Math.floor(ackTimeoutMs / 10)),
  );
  sweeper.unref();
  // A closed connection answers nothing more: fail what waits so the relay can send it again elsewhere.
  void connection.closed().then(() => {
    for (const entry of waiting.values()) entry.reject(new errors.ClosedConnectionError());
    waiting.clear();
  });
  const js = jetstream(connection, { timeout: ackTimeoutMs });
  const server = connection.getServer();
  return {
    description: `nats://${server}${options.stream ? ` (stream ${options.stream.name})` : ''}`,
    connection,
    jetstream: js,
    publish(message: OutboxMessage): Promise<PublishReceipt> {
      return new Promise<PublishReceipt>((resolve, reject) => {
        const h = headers();
        for (const [key, value] of Object.entries(message.headers)) h.set(key, value);
        h.set('Content-Type', message.contentType);
        h.set('Nats-Msg-Id', message.id);
        const reply = `${inbox}.${++sequence}`;
        try {
          connection.publish(message.subject, message.body, { reply, headers: h });
        } catch (error) {
          // Checked before sending (a payload over the server's max_payload, a bad subject): it can never go.
          reject(
            error instanceof errors.InvalidArgumentError || error instanceof errors.InvalidSubjectError
              ? new PublishRefusedError(`NATS refused message ${message.id}: ${(error as Error).message}`, { cause: error })
              : error,
          );
          return;
        }
        waiting.set(reply, { message, deadline: Date.now() + ackTimeoutMs, resolve, reject });
      });
    },
    async close() {
      clearInterval(sweeper);
      subscription.unsubscribe();
      if (!owned) return;
      await connection.drain().catch(() => connection.close());
    },
  };
}

/** Settles a publish from JetStream's reply: a PubAck, an API error (refused), or a status such as no responders. */
function settle(entry: Waiting, data: Uint8Array, status: number, description: string): void {
  const { message } = entry;
  if (status !== 0 && status !== 200) {
    // 503: no stream listens on the subject (yet): not this message's fault, send it again later.
    entry.reject(new Error(`JetStream answered ${status} ${description} for '${message.subject}'`));
    return;
  }
  let reply: PubAckReply;
  try {
    reply = JSON.parse(decoder.decode(data)) as PubAckReply;
  } catch (error) {
    entry.reject(error);
    return;
  }
  if (reply.error) {
    const detail = `${reply.error.description ?? 'error'} (code ${reply.error.err_code ?? reply.error.code ?? '?'})`;
    entry.reject(new PublishRefusedError(`JetStream refused message ${message.id} on '${message.subject}': ${detail}`));
  } else if (!reply.stream) {
    entry.reject(new Error(`JetStream sent an invalid acknowledgement for message ${message.id}`));
  } else {
    entry.resolve({ duplicate: reply.duplicate === true });
  }
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
