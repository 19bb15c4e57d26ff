/**
 * The RabbitMQ publisher of the outbox (`@streamstore/outbox/rabbitmq`), on a confirm channel. Needs `amqplib`
 * (major 2, typed), an optional peer dependency of this package.
 */
import { redactUrlPassword } from '@streamstore/core/storage';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import type { OutboxMessage, OutboxPublisher, PublishReceipt } from './publisher.js';
import { PublishRefusedError } from './publisher.js';

/** Options of {@link rabbitmqPublisher}. */
export interface RabbitMqPublisherOptions {
  /** e.g. `amqp://guest:guest@127.0.0.1:5672/my-vhost` (the vhost URL-encoded). */
  url: string;
  /** The exchange (default `amq.topic`, present in every vhost); the subject is the routing key. */
  exchange?: string;
  /** Declare the exchange (durable) with this type first, e.g. `'topic'`; default: use it as it is. */
  exchangeType?: 'topic' | 'direct' | 'fanout' | 'headers';
  /**
   * Publish with the `mandatory` flag: a message no queue takes is returned and counts as refused (dead-lettered
   * after the retries) instead of being dropped by the broker. Default false.
   */
  mandatory?: boolean;
  /** How long to wait for a confirm before the outcome counts as unknown and the connection is reopened (default 10,000 ms). */
  confirmTimeoutMs?: number;
}

/** The RabbitMQ publisher. */
export interface RabbitMqOutboxPublisher extends OutboxPublisher {
  /** The current connection, if one is open. */
  connection(): ChannelModel | undefined;
}

interface Link {
  model: ChannelModel;
  channel: ConfirmChannel;
  /** Ids of messages the broker returned as unroutable; their confirm follows. */
  returned: Set<string>;
  broken: boolean;
}

/** The URL without its password, for messages. */
function describe(url: string, exchange: string): string {
  // A string that is not a URL may hold a password in a form nothing can mask: name the protocol only.
  return `${URL.canParse(url) ? redactUrlPassword(url) : 'amqp'} (exchange ${exchange})`;
}

/**
 * A publisher for {@link startOutboxRelay} over RabbitMQ publisher confirms: each message is published persistent
 * with `message-id` set to the message id, the relay's headers, `type` and `content-type`, and its promise settles
 * on the broker's ack (accepted) or nack (refused). A lost connection fails what was unconfirmed (the relay sends it
 * again) and the next publish reconnects. All messages go through one channel, so RabbitMQ routes them in log order.
 * @example const publisher = rabbitmqPublisher({ url: 'amqp://guest:guest@127.0.0.1:5672/%2F' });
 */
export function rabbitmqPublisher(options: RabbitMqPublisherOptions): RabbitMqOutboxPublisher {
  const exchange = options.exchange ?? 'amq.topic';
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  const mandatory = options.mandatory ?? false;
  let link: Promise<Link> | undefined;
  let current: Link | undefined;
  let closed = false;

  const open = (): Promise<Link> => {
    if (link) return link;
    const opening = (async () => {
      const model = await connect(options.url);
      // 'close' follows every 'error'; without a listener an 'error' event would crash the process.
      model.on('error', () => undefined);
      let channel: ConfirmChannel;
      try {
        channel = await model.createConfirmChannel();
        channel.on('error', () => undefined);
        if (options.exchangeType) await channel.assertExchange(exchange, options.exchangeType, { durable: true });
      } catch (error) {
        await model.close().catch(() => undefined);
        throw error;
      }
      const opened: Link = { model, channel, returned: new Set(), broken: false };
      const drop = () => {
        opened.broken = true;
        if (link === opening) link = undefined;
        if (current === opened) current = undefined;
      };
      model.on('close', drop);
      channel.on('close', () => {
        drop();
        // A channel closed by the broker (e.g. a missing exchange) leaves the connection up: close it too.
        model.close().catch(() => undefined);
      });
      channel.on('return', (returned: { properties: { messageId?: string } }) => {
        if (returned.properties.messageId !== undefined) opened.returned.add(returned.properties.messageId);
      });
      current = opened;
      return opened;
    })();
    link = opening;
    opening.catch(() => {
      if (link === opening) link = undefined;
    });
    return opening;
  };

  return {
    description: describe(options.url, exchange),
    connection: () => current?.model,
    async publish(message: OutboxMessage): Promise<PublishReceipt> {
      if (closed) throw new Error('The RabbitMQ publisher is closed');
      const opened = await open();
      const content = Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength);
      return new Promise<PublishReceipt>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`RabbitMQ sent no confirm for message ${message.id} within ${confirmTimeoutMs} ms`));
          // Its confirm may never come: start over on a new connection.
          opened.model.close().catch(() => undefined);
        }, confirmTimeoutMs);
        const settle = (error: unknown) => {
          clearTimeout(timer);
          if (error) {
            // amqplib reports a nack as 'message nacked' and a closed channel as 'channel closed'.
            const nacked = error instanceof Error && error.message === 'message nacked';
            reject(nacked ? new PublishRefusedError(`RabbitMQ nacked message ${message.id}`, { cause: error }) : error);
          } else if (mandatory && opened.returned.delete(message.id)) {
            reject(new PublishRefusedError(`RabbitMQ returned message ${message.id}: no queue bound for '${message.subject}'`));
          } else resolve({ duplicate: false });
        };
        try {
          opened.channel.publish(
            exchange,
            message.subject,
            content,
            {
              messageId: message.id,
              headers: message.headers,
              type: message.event.type,
              contentType: message.contentType,
              timestamp: Math.floor(message.event.recordedAt.getTime() / 1000),
              persistent: true,
              mandatory,
            },
            settle,
          );
        } catch (error) {
          clearTimeout(timer);
          // amqplib checks fields (e.g. a routing key over 255 bytes) before sending: this message can never go.
          reject(opened.broken ? error : new PublishRefusedError(`RabbitMQ cannot take message ${message.id}: ${String(error)}`));
        }
      });
    },
    async close() {
      closed = true;
      const opened = await link?.catch(() => undefined);
      if (!opened || opened.broken) return;
      await opened.channel.waitForConfirms().catch(() => undefined);
      await opened.model.close().catch(() => undefined);
    },
  };
}
