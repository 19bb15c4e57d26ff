/**
 * Crash and fault test on real processes and brokers: `streamstore outbox` relays (the built CLI, one to a private
 * nats-server, one to a private RabbitMQ vhost) are SIGKILLed 10 times at random moments while 4 writers append
 * 10-event commits to PostgreSQL; mid-run the nats-server is killed and restarted on its store, and every RabbitMQ
 * connection of the vhost is closed by the broker (a private RabbitMQ node would need its own Erlang node, ports
 * and cookie: closing the vhost's connections is the outage the relay sees of a broker restart, without touching
 * the machine's node). At the end every committed event is in JetStream exactly once and in RabbitMQ at least once,
 * duplicates bounded by what can be in flight, each stream in order.
 * Where the backend has transactions (capability `transactions`), a fifth writer commits inside transactions it
 * then rolls back, and none of those events may reach a broker; PostgreSQL does not declare it yet, so that clause
 * runs once it does.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createStreamStore, type RecordedEvent, type StreamStore } from '@streamstore/core';
import { HEADERS } from '@streamstore/outbox';
import { postgresCheckpointStore, postgresStorage } from '@streamstore/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPrivateVhost,
  drainQueue,
  type PrivateNats,
  type PrivateVhost,
  readJetStream,
  type StoredMessage,
  startPrivateNats,
} from './brokers.js';

const root = new URL('../../../', import.meta.url).pathname;
const BIN = `${root}packages/cli/dist/bin.js`;
const DATABASE = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `outbox_crash_${process.pid}`;
const MAX_IN_FLIGHT = 200;
const KILLS = 10;
const STREAMS = Array.from({ length: 12 }, (_, i) => `account-${i}`);
const ROLLED_BACK = 'Rolled back';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startRelay(name: string, to: string, log: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'outbox',
      '--backend',
      'postgres',
      '--url',
      DATABASE,
      '--schema',
      SCHEMA,
      '--name',
      name,
      '--to',
      to,
      '--max-in-flight',
      String(MAX_IN_FLIGHT),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  child.stderr?.on('data', (chunk) => log.push(String(chunk)));
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

async function writer(store: StreamStore, stop: { done: boolean }, seed: number, last: { position: bigint }) {
  for (let round = 0; !stop.done; round++) {
    const streamId = STREAMS[(seed * 7 + round * 5) % STREAMS.length] as string;
    const events = Array.from({ length: 10 }, (_, i) => ({ type: 'Deposited', data: { writer: seed, round, i } }));
    const result = await store.append(streamId, 'any', events);
    const position = BigInt(result.position as string);
    if (position > last.position) last.position = position;
    await sleep(25);
  }
}

/** Commits 10 events inside a transaction, then throws: the commit must vanish with the transaction. */
async function rollbacks(store: StreamStore, stop: { done: boolean }, ids: string[]) {
  for (let round = 0; !stop.done; round++) {
    const events = Array.from({ length: 10 }, () => ({ id: crypto.randomUUID(), type: ROLLED_BACK, data: { round } }));
    ids.push(...events.map((event) => event.id as string));
    await store
      .transaction(async (tx) => {
        await tx
          .beginWrite(STREAMS[round % STREAMS.length] as string, 'any')
          .appendRange(events)
          .commit();
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await sleep(40);
  }
}

/** Per stream, the revisions in the order they first appear; and how many copies beyond the first. */
function firstSeen(messages: StoredMessage[]) {
  const seen = new Set<string>();
  const order = new Map<string, number[]>();
  let duplicates = 0;
  for (const message of messages) {
    if (seen.has(message.id)) {
      duplicates++;
      continue;
    }
    seen.add(message.id);
    const stream = message.headers[HEADERS.stream] as string;
    order.set(stream, [...(order.get(stream) ?? []), Number(message.headers[HEADERS.revision])]);
  }
  return { seen, order, duplicates };
}

describe('outbox relays killed (SIGKILL) at random moments while writers append; brokers restarted once', () => {
  let nats: PrivateNats;
  let vhost: PrivateVhost;
  let store: StreamStore;
  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', 'packages/core', 'packages/postgres', 'packages/outbox', 'packages/cli'], {
      cwd: root,
      stdio: 'inherit',
    });
    nats = await startPrivateNats();
    vhost = await createPrivateVhost('crash');
    store = await createStreamStore({
      storage: postgresStorage({ connectionString: DATABASE, schema: SCHEMA, pool: { max: 6 } }),
      provisionSchema: true,
    });
  }, 240_000);
  afterAll(async () => {
    await nats?.stop();
    vhost?.remove();
    if (store) {
      const sql = (store as unknown as { storage: { sql: { unsafe(q: string): Promise<unknown> } } }).storage.sql;
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`).catch(() => undefined);
      await store.close();
    }
  });

  it('every committed event reaches JetStream exactly once and RabbitMQ at least once, in order per stream', async () => {
    const natsTo = `${nats.url}?stream=CRASH`;
    const log: string[] = [];
    const stop = { done: false };
    const last = { position: 0n };
    const writers = [0, 1, 2, 3].map((seed) => writer(store, stop, seed, last));
    const rolledBack: string[] = [];
    if (store.capabilities.transactions) writers.push(rollbacks(store, stop, rolledBack));
    for (let round = 0; round < KILLS; round++) {
      const relays = [startRelay('to-nats', natsTo, log), startRelay('to-rabbit', vhost.url, log)];
      await sleep(300 + Math.floor(Math.random() * 700));
      if (round === KILLS / 2) {
        await nats.restart();
        vhost.dropConnections();
        await sleep(500 + Math.floor(Math.random() * 500));
      }
      for (const relay of relays) relay.kill('SIGKILL');
      await Promise.all(relays.map(exited));
    }
    stop.done = true;
    await Promise.all(writers);

    // A last, uninterrupted run of each relay catches up with the log, then stops gracefully.
    const checkpoints = postgresCheckpointStore({ connectionString: DATABASE, schema: SCHEMA });
    const relays = [startRelay('to-nats', natsTo, log), startRelay('to-rabbit', vhost.url, log)];
    const head = String(last.position);
    const until = Date.now() + 60_000;
    while ((await checkpoints.load('to-nats')) !== head || (await checkpoints.load('to-rabbit')) !== head) {
      if (Date.now() > until) throw new Error(`relays did not catch up:\n${log.join('').slice(-3000)}`);
      await sleep(100);
    }
    for (const relay of relays) relay.kill('SIGTERM');
    await Promise.all(relays.map(exited));
    await checkpoints.close();

    const committed: RecordedEvent[] = [];
    for await (const event of store.readAll()) committed.push(event);
    const heads = new Map<string, number>();
    for (const event of committed) heads.set(event.streamId, event.revision);
    const inOrder = new Map([...heads].map(([stream, revision]) => [stream, Array.from({ length: revision }, (_, i) => i + 1)]));

    const jetStream = await readJetStream(nats.url, 'CRASH');
    const fromNats = firstSeen(jetStream);
    expect(fromNats.duplicates).toBe(0);
    expect(jetStream).toHaveLength(committed.length);
    expect(fromNats.seen).toEqual(new Set(committed.map((event) => event.id)));
    expect(fromNats.order).toEqual(inOrder);

    const rabbit = await drainQueue(vhost.url, vhost.queue);
    const fromRabbit = firstSeen(rabbit);
    expect(fromRabbit.seen).toEqual(new Set(committed.map((event) => event.id)));
    expect(fromRabbit.order).toEqual(inOrder);
    const published = new Set([...jetStream, ...rabbit].map((message) => message.id));
    expect(rolledBack.filter((id) => published.has(id))).toEqual([]);
    // Each kill or outage sends again at most what was in flight (plus the page being read).
    expect(fromRabbit.duplicates).toBeLessThanOrEqual((KILLS + 2) * (MAX_IN_FLIGHT + 500));
    console.log(
      `outbox crash test: ${committed.length} events committed, ${KILLS} kills, 1 NATS restart, 1 RabbitMQ connection drop; ` +
        `JetStream ${jetStream.length} messages (0 duplicates stored); RabbitMQ ${rabbit.length} messages, ${fromRabbit.duplicates} duplicates; ` +
        `${store.capabilities.transactions ? `${rolledBack.length} rolled-back events, none published` : 'no transactions on this backend yet'}`,
    );
  }, 240_000);
});
