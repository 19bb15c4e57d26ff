/**
 * Private brokers for the outbox tests: a nats-server of their own (another port, its own -sd store under a temp
 * directory) and a RabbitMQ vhost of their own on the machine's node. Never the machine's shared NATS or vhost.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import { connect as amqpConnect } from 'amqplib';

const NATS_SERVER = existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A private nats-server with JetStream; `restart` kills it (SIGKILL) and starts it again on the same store. */
export interface PrivateNats {
  url: string;
  port: number;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const connection = await natsConnect({ servers: `nats://127.0.0.1:${port}`, reconnect: false, timeout: 500 });
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Starts a nats-server with JetStream on a free port and a temporary store directory. */
export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'streamstore-outbox-nats-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** One JetStream message as read back. */
export interface StoredMessage {
  id: string;
  subject: string;
  headers: Record<string, string>;
  body: string;
}

/** Every message of a JetStream stream, in stream order (direct gets by sequence: simple and exact). */
export async function readJetStream(url: string, stream: string): Promise<StoredMessage[]> {
  const connection = await natsConnect({ servers: url });
  try {
    const manager = await jetstreamManager(connection);
    const info = await manager.streams.info(stream);
    const consumer = await jetstream(connection).consumers.get(stream);
    const messages: StoredMessage[] = [];
    const total = info.state.messages;
    while (messages.length < total) {
      const batch = await consumer.fetch({ max_messages: Math.min(1000, total - messages.length), expires: 2000 });
      for await (const message of batch) {
        const headers: Record<string, string> = {};
        for (const [key, values] of message.headers ?? []) headers[key] = values[0] ?? '';
        messages.push({ id: headers['Nats-Msg-Id'] ?? '', subject: message.subject, headers, body: message.string() });
      }
    }
    return messages;
  } finally {
    await connection.close();
  }
}

/** A private RabbitMQ vhost with a queue bound to `amq.topic` on `events.#`. */
export interface PrivateVhost {
  vhost: string;
  url: string;
  queue: string;
  /** Closes every client connection of the vhost (the broker-side outage the tests can cause without a node of their own). */
  dropConnections(): void;
  remove(): void;
}

const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'pipe' }).toString();

/** Creates a vhost (guest may use it) and a durable queue with `queueArguments` bound to `amq.topic`. */
export async function createPrivateVhost(name: string, queueArguments: Record<string, unknown> = {}): Promise<PrivateVhost> {
  const vhost = `streamstore-test-${name}-${process.pid}-${Date.now()}`;
  rabbitmqctl('add_vhost', vhost);
  rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  const url = `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`;
  const queue = 'outbox-test';
  const connection = await amqpConnect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true, arguments: queueArguments });
    await channel.bindQueue(queue, 'amq.topic', 'events.#');
  } finally {
    await connection.close();
  }
  return {
    vhost,
    url,
    queue,
    dropConnections: () => {
      rabbitmqctl('close_all_connections', '-p', vhost, 'outbox fault test');
    },
    remove: () => {
      rabbitmqctl('delete_vhost', vhost);
    },
  };
}

/** Takes every message of `queue` (acknowledging them), in queue order. */
export async function drainQueue(url: string, queue: string): Promise<StoredMessage[]> {
  const connection = await amqpConnect(url);
  try {
    const channel = await connection.createChannel();
    const messages: StoredMessage[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (message === false) return messages;
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(message.properties.headers ?? {})) headers[key] = String(value);
      messages.push({
        id: String(message.properties.messageId),
        subject: message.fields.routingKey,
        headers,
        body: message.content.toString(),
      });
    }
  } finally {
    await connection.close();
  }
}
