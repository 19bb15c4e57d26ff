/** Turns `--to` URLs into outbox publishers: `nats://...` (JetStream) and `amqp://` / `amqps://` (RabbitMQ). */
import { ConfigurationError } from '@streamstore/core';
import type { OutboxPublisher } from '@streamstore/outbox';
import { importOptional } from '../optional-package.js';

/** What `@streamstore/outbox/nats` exports, as far as the command uses it. */
interface NatsModule {
  natsPublisher(options: {
    servers: string[];
    connectionOptions?: { user?: string; pass?: string };
    stream?: { name: string; subjects?: string[]; duplicateWindowMs?: number };
  }): Promise<OutboxPublisher>;
}

/** What `@streamstore/outbox/rabbitmq` exports, as far as the command uses it. */
interface RabbitMqModule {
  rabbitmqPublisher(options: { url: string; exchange?: string; exchangeType?: 'topic'; mandatory?: boolean }): OutboxPublisher;
}

/** Imports a publisher module; a missing broker client is a configuration error naming the package to install. */
async function importPublisher<T>(entry: string, clients: string): Promise<T> {
  try {
    return await importOptional<T>(entry, `The ${entry} publisher`, clients.replace(' and ', ' '));
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    const reason = (error as Error).message?.split('\n')[0] ?? String(error);
    throw new ConfigurationError(`${entry} could not be loaded (${reason}): install ${clients}`, { cause: error });
  }
}

function positiveNumber(url: URL, name: string): number | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) throw new ConfigurationError(`--to: ${name} must be a positive whole number, got '${value}'`);
  return Number(value);
}

/**
 * The publisher of a `--to` URL:
 * - `nats://[user:pass@]host:port[,host:port...]?stream=EVENTS&subjects=events.>&duplicate-window-ms=120000`: the
 *   stream is created when missing (default name `EVENTS`, subjects `events.>`);
 * - `amqp[s]://user:pass@host:port/vhost?exchange=amq.topic&mandatory=true`: other query parameters go to amqplib.
 */
export async function publisherForUrl(to: string): Promise<OutboxPublisher> {
  const scheme = /^([a-z]+):\/\//.exec(to)?.[1];
  if (scheme === 'nats') {
    // `new URL` takes one host: list the others after the first by hand.
    const match = /^nats:\/\/(?:([^@/]*)@)?([^/?]+)\/?(?:\?(.*))?$/.exec(to);
    if (!match) throw new ConfigurationError(`--to: cannot read the NATS URL '${to}'`);
    const [, auth, hosts = '', query = ''] = match;
    const params = new URL(`nats://x/?${query}`);
    const [user, pass] = auth ? auth.split(':').map(decodeURIComponent) : [];
    const duplicateWindowMs = positiveNumber(params, 'duplicate-window-ms');
    const { natsPublisher } = await importPublisher<NatsModule>(
      '@streamstore/outbox/nats',
      '@nats-io/transport-node and @nats-io/jetstream',
    );
    return natsPublisher({
      servers: hosts.split(',').map((host) => `nats://${host}`),
      ...(user === undefined ? {} : { connectionOptions: { user, ...(pass === undefined ? {} : { pass }) } }),
      stream: {
        name: params.searchParams.get('stream') ?? 'EVENTS',
        subjects: (params.searchParams.get('subjects') ?? 'events.>').split(','),
        ...(duplicateWindowMs === undefined ? {} : { duplicateWindowMs }),
      },
    });
  }
  if (scheme === 'amqp' || scheme === 'amqps') {
    const url = new URL(to);
    const exchange = url.searchParams.get('exchange') ?? undefined;
    const mandatory = url.searchParams.get('mandatory') === 'true';
    url.searchParams.delete('exchange');
    url.searchParams.delete('mandatory');
    const { rabbitmqPublisher } = await importPublisher<RabbitMqModule>('@streamstore/outbox/rabbitmq', 'amqplib');
    return rabbitmqPublisher({ url: url.toString(), ...(exchange === undefined ? {} : { exchange }), mandatory });
  }
  throw new ConfigurationError(`--to must be a nats://, amqp:// or amqps:// URL, got '${to}'`);
}
