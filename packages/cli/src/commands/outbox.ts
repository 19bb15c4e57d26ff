/**
 * `streamstore outbox --to <url>`: relays the store's committed events to NATS JetStream or RabbitMQ until Ctrl-C,
 * with a progress line (published, rate, in flight, lag). Its checkpoint, lock and dead letters live in the store.
 */
import { createStreamStore } from '@streamstore/core';
import { type OutboxStats, startOutboxRelay } from '@streamstore/outbox';
import type { Command } from 'commander';
import { backendEntry } from '../backends.js';
import { type CliIO, settingsOf, wholeNumber } from '../cli-io.js';
import { publisherForUrl } from '../outbox/broker-url.js';
import { relayStores } from '../outbox/consumer-stores.js';
import { isInteractive } from '../terminal.js';

interface OutboxFlags {
  to: string;
  name: string;
  category?: string;
  subject?: string;
  fromEnd?: boolean;
  maxInFlight: number;
  progressEvery: number;
  leaseMs?: number;
}

/** One progress line. */
function progressLine(name: string, stats: OutboxStats, rate: number): string {
  const lag = stats.lagMs === undefined ? '-' : `${stats.lagMs} ms`;
  return (
    `outbox ${name}: published ${stats.published} (${Math.round(rate)}/s), in flight ${stats.inFlight}, lag ${lag}, ` +
    `duplicates ${stats.duplicates}, dead letters ${stats.deadLettered}, retries ${stats.retries}, checkpoint ${stats.checkpoint ?? '-'}`
  );
}

/** Adds the `outbox` command to `program`. */
export function registerOutboxCommand(program: Command, io: CliIO): void {
  program
    .command('outbox')
    .description('relay committed events to NATS JetStream or RabbitMQ until interrupted (one active relay per --name)')
    .requiredOption('--to <url>', 'nats://host:4222?stream=EVENTS or amqp://user:pass@host:5672/vhost?exchange=amq.topic')
    .option('--name <name>', 'relay name: its checkpoint, lock and dead letters are kept under it', 'outbox')
    .option('--category <name>', 'only the events of this category (default: the whole global log)')
    .option(
      '--subject <template>',
      'subject / routing key template over {category}, {stream}, {type}',
      'events.{category}.{type}',
    )
    .option('--from-end', 'without a saved checkpoint, start at the end of the log instead of its start')
    .option(
      '--max-in-flight <n>',
      'how far the relay reads ahead of its checkpoint (events in flight or waiting for their stream; one per stream awaits acknowledgement)',
      wholeNumber(1),
      1000,
    )
    .option('--progress-every <ms>', 'progress line interval', wholeNumber(50), 1000)
    .option('--lease-ms <ms>', 'SQLite lock lease: how soon a crashed relay is replaced (default 30000)', wholeNumber(100))
    .addHelpText(
      'after',
      '\nEvery message has the event id as message id (JetStream de-duplicates on it; consumers should too).\n' +
        '\nExamples:\n  $ streamstore outbox --file ./events.db --to nats://127.0.0.1:4222?stream=EVENTS\n' +
        '  $ streamstore outbox --backend postgres --url postgres://127.0.0.1/app --to amqp://guest:guest@127.0.0.1:5672/%2F',
    )
    .action(async (options: OutboxFlags, command: Command) => {
      const settings = settingsOf(command, io);
      const backend = backendEntry(settings.backend, settings.backends);
      const storage = await backend.open({ settings, purpose: 'read' });
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let lost = false;
      try {
        const store = await createStreamStore({ storage });
        const stores = await relayStores(settings.backend, storage, {
          onLost: () => {
            lost = true;
            controller.abort();
          },
          ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
        });
        const publisher = await publisherForUrl(options.to);
        const relay = startOutboxRelay(store, {
          name: options.name,
          publisher,
          ...stores,
          ...(options.category === undefined ? {} : { source: { category: options.category } }),
          subject: options.subject,
          startAt: options.fromEnd ? 'end' : 'start',
          maxInFlight: options.maxInFlight,
          signal: controller.signal,
          onError: (error) =>
            io.stderr.write(`outbox ${options.name}: ${(error as Error).message ?? String(error)} (retrying)\n`),
        });
        const tty = isInteractive(io.stderr);
        io.stderr.write(`outbox ${options.name}: waiting for the lock, then relaying to ${publisher.description}\n`);
        let last = { at: Date.now(), published: 0 };
        const print = () => {
          const stats = relay.stats();
          const now = Date.now();
          const rate = ((stats.published - last.published) * 1000) / Math.max(1, now - last.at);
          last = { at: now, published: stats.published };
          io.stderr.write(
            tty ? `\r${progressLine(options.name, stats, rate)}\x1b[K` : `${progressLine(options.name, stats, rate)}\n`,
          );
        };
        const timer = setInterval(print, options.progressEvery);
        try {
          await relay.done;
        } finally {
          clearInterval(timer);
          print();
          if (tty) io.stderr.write('\n');
          await publisher.close();
        }
        if (lost) throw new Error(`outbox ${options.name}: lost its lock (another relay runs): stopped`);
        io.stderr.write(`outbox ${options.name}: stopped at checkpoint ${relay.stats().checkpoint ?? '-'}\n`);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await storage.close();
      }
    });
}
