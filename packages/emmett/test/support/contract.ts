/**
 * A contract for Emmett's `EventStore` semantics, runner-agnostic in spirit but written for Vitest. It runs against
 * the adapter on every backend and against Emmett's own stores, which is what shows that it describes Emmett and
 * not our adapter. Where Emmett's stores disagree with each other, the difference is a `dialect` flag, named after
 * the store that shows it.
 */
import { randomUUID } from 'node:crypto';
import {
  CommandHandler,
  type EventStore,
  type ExpectedStreamVersion,
  type ExpectedVersionConflictError,
  isExpectedVersionConflictError,
  NO_CONCURRENCY_CHECK,
  type ReadStreamOptions,
  STREAM_DOES_NOT_EXIST,
  STREAM_EXISTS,
} from '@event-driven-io/emmett';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What differs between Emmett's own stores. */
export interface ContractDialect {
  /** A conflict reports the stream's actual version (Emmett's PostgreSQL store reports -1). */
  actualVersionOnConflict: boolean;
  /** `from: n` reads from position n on (PostgreSQL); Emmett's in-memory store slices from index n instead. */
  fromInclusive: boolean;
  /** `createdNewStream` is false for an append to an existing stream (Emmett's PostgreSQL store always says true). */
  createdNewStreamExact: boolean;
  /**
   * `STREAM_DOES_NOT_EXIST` and `STREAM_EXISTS` are checked. Emmett's PostgreSQL store 0.42 turns both into "no check"
   * (its `toExpectedVersion`), so there they append instead of conflicting.
   */
  checksExistence: boolean;
}

/** An event store under test and how to let it go. */
export interface ContractSubject {
  eventStore: EventStore;
  close?(): Promise<void>;
}

type Counted = { type: 'Counted'; data: { n: number } };

const counted = (...ns: number[]): Counted[] => ns.map((n) => ({ type: 'Counted', data: { n } }));
const stream = () => `contract-${randomUUID()}`;

/** Runs `work` and returns the conflict it must throw. */
async function conflictOf(work: () => Promise<unknown>): Promise<ExpectedVersionConflictError> {
  try {
    await work();
  } catch (error) {
    expect(isExpectedVersionConflictError(error)).toBe(true);
    return error as ExpectedVersionConflictError;
  }
  throw new Error('expected an ExpectedVersionConflictError, nothing was thrown');
}

/** Registers the contract's tests for the store `open` returns (opened once for the file's `describe`). */
export function describeEmmettContract(name: string, open: () => Promise<ContractSubject>, dialect: ContractDialect): void {
  describe(`Emmett EventStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    beforeAll(async () => {
      subject = await open();
      store = subject.eventStore;
    });
    afterAll(async () => subject?.close?.());

    const seeded = async (count: number) => {
      const id = stream();
      await store.appendToStream(id, counted(...Array.from({ length: count }, (_, i) => i + 1)));
      return id;
    };
    const positions = async (id: string, options: ReadStreamOptions<bigint, Counted>) =>
      (await store.readStream<Counted>(id, options)).events.map((event) => Number(event.metadata.streamPosition));

    it('a missing stream reads as empty, version 0, not existing', async () => {
      const read = await store.readStream(stream());
      expect(read).toMatchObject({ events: [], streamExists: false, currentStreamVersion: 0n });
      expect(await store.streamExists(stream())).toBe(false);
    });

    it('appends and reads back in order, positions counted from 1, with message ids and the stream name', async () => {
      const id = stream();
      const result = await store.appendToStream(id, counted(1, 2, 3), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
      expect(result.nextExpectedStreamVersion).toBe(3n);
      expect(result.createdNewStream).toBe(true);
      const read = await store.readStream<Counted>(id);
      expect(read.streamExists).toBe(true);
      expect(read.currentStreamVersion).toBe(3n);
      expect(read.events.map((event) => [event.type, event.data.n, event.metadata.streamPosition])).toEqual([
        ['Counted', 1, 1n],
        ['Counted', 2, 2n],
        ['Counted', 3, 3n],
      ]);
      for (const event of read.events) {
        expect(event.metadata.streamName).toBe(id);
        expect(typeof event.metadata.messageId).toBe('string');
      }
      expect(new Set(read.events.map((event) => event.metadata.messageId)).size).toBe(3);
      expect(await store.streamExists(id)).toBe(true);
    });

    it('a second append continues the positions', async () => {
      const id = await seeded(2);
      const result = await store.appendToStream(id, counted(3), { expectedStreamVersion: 2n });
      expect(result.nextExpectedStreamVersion).toBe(3n);
      if (dialect.createdNewStreamExact) expect(result.createdNewStream).toBe(false);
      expect(await positions(id, {})).toEqual([1, 2, 3]);
    });

    it('`to` is inclusive', async () => {
      const id = await seeded(5);
      expect(await positions(id, { to: 2n })).toEqual([1, 2]);
      expect(await positions(id, { to: 1n })).toEqual([1]);
      expect(await positions(id, { to: 5n })).toEqual([1, 2, 3, 4, 5]);
      expect(await positions(id, { to: 9n })).toEqual([1, 2, 3, 4, 5]);
    });

    it('`maxCount` from the start reads that many events', async () => {
      const id = await seeded(5);
      expect(await positions(id, { maxCount: 3n })).toEqual([1, 2, 3]);
      expect(await positions(id, { maxCount: 1n })).toEqual([1]);
      expect(await positions(id, { maxCount: 10n })).toEqual([1, 2, 3, 4, 5]);
      expect(await positions(id, { from: 0n, maxCount: 2n })).toEqual([1, 2]);
    });

    if (dialect.fromInclusive) {
      it('`from` is inclusive, and `from` + `maxCount` ends at position from + maxCount (as PostgreSQL does)', async () => {
        const id = await seeded(6);
        expect(await positions(id, { from: 1n })).toEqual([1, 2, 3, 4, 5, 6]);
        expect(await positions(id, { from: 3n })).toEqual([3, 4, 5, 6]);
        expect(await positions(id, { from: 6n })).toEqual([6]);
        expect(await positions(id, { from: 7n })).toEqual([]);
        expect(await positions(id, { from: 2n, to: 4n })).toEqual([2, 3, 4]);
        expect(await positions(id, { from: 2n, maxCount: 2n })).toEqual([2, 3, 4]);
      });
    }

    describe('expected versions', () => {
      const cases: Array<{ expected: ExpectedStreamVersion; existing: number; ok: boolean }> = [
        { expected: NO_CONCURRENCY_CHECK, existing: 0, ok: true },
        { expected: NO_CONCURRENCY_CHECK, existing: 2, ok: true },
        { expected: STREAM_DOES_NOT_EXIST, existing: 0, ok: true },
        { expected: STREAM_DOES_NOT_EXIST, existing: 2, ok: false },
        { expected: STREAM_EXISTS, existing: 0, ok: false },
        { expected: STREAM_EXISTS, existing: 2, ok: true },
        { expected: 2n, existing: 2, ok: true },
        { expected: 1n, existing: 2, ok: false },
        { expected: 3n, existing: 2, ok: false },
        { expected: 2n, existing: 0, ok: false },
      ];
      for (const { expected, existing, ok } of cases) {
        it(`${String(expected)} on a stream at ${existing}: ${ok ? 'appends' : 'conflicts'}`, async () => {
          const id = existing === 0 ? stream() : await seeded(existing);
          const append = () => store.appendToStream(id, counted(99), { expectedStreamVersion: expected });
          const existenceOnly = expected === STREAM_DOES_NOT_EXIST || expected === STREAM_EXISTS;
          if (ok || (existenceOnly && !dialect.checksExistence)) {
            expect((await append()).nextExpectedStreamVersion).toBe(BigInt(existing + 1));
            return;
          }
          const conflict = await conflictOf(append);
          expect(conflict).toBeInstanceOf(Error);
          expect(conflict.expected).toBe(String(expected));
          expect(conflict.current).toBe(dialect.actualVersionOnConflict ? String(existing) : '-1');
          expect(await positions(id, {})).toEqual(Array.from({ length: existing }, (_, i) => i + 1));
        });
      }

      it('no expected version at all means no check', async () => {
        const id = await seeded(1);
        expect((await store.appendToStream(id, counted(2))).nextExpectedStreamVersion).toBe(2n);
      });
    });

    it('aggregateStream folds the events and tells the version', async () => {
      const id = await seeded(4);
      const result = await store.aggregateStream<number, Counted>(id, {
        initialState: () => 0,
        evolve: (sum: number, event: Counted) => sum + event.data.n,
      });
      expect(result).toMatchObject({ state: 10, currentStreamVersion: 4n, streamExists: true });
      const missing = await store.aggregateStream<number, Counted>(stream(), {
        initialState: () => 0,
        evolve: (sum: number, event: Counted) => sum + event.data.n,
      });
      expect(missing).toMatchObject({ state: 0, currentStreamVersion: 0n, streamExists: false });
    });

    it('aggregateStream checks the expected version it is given', async () => {
      const id = await seeded(2);
      const aggregate = (expectedStreamVersion: ExpectedStreamVersion) =>
        store.aggregateStream<number, Counted>(id, {
          initialState: () => 0,
          evolve: (sum: number, event: Counted) => sum + event.data.n,
          read: { expectedStreamVersion },
        });
      expect((await aggregate(2n)).state).toBe(3);
      await conflictOf(() => aggregate(5n));
    });

    it('upcasts on read and downcasts on append through Emmett schema options', async () => {
      type Stored = { type: 'Counted'; data: { value: string } };
      const id = stream();
      await store.appendToStream<Counted, Stored>(id, counted(7), {
        schema: { versioning: { downcast: (event) => ({ type: event.type, data: { value: String(event.data.n) } }) } },
      });
      const raw = await store.readStream<Stored>(id);
      expect(raw.events[0]?.data).toEqual({ value: '7' });
      const upcasted = await store.readStream<Counted, Stored>(id, {
        schema: { versioning: { upcast: (event) => ({ type: event.type, data: { n: Number(event.data.value) } }) } },
      });
      expect(upcasted.events[0]?.data).toEqual({ n: 7 });
      expect(upcasted.events[0]?.metadata.streamPosition).toBe(1n);
    });

    describe('concurrent command handlers on one stream', () => {
      const handle = CommandHandler<number, Counted>({
        evolve: (sum: number, event: Counted) => sum + event.data.n,
        initialState: () => 0,
      });

      /** Two handlers that both read the stream before either appends. */
      const race = async (id: string, retry: boolean) => {
        let arrived = 0;
        let release!: () => void;
        const bothRead = new Promise<void>((resolve) => (release = resolve));
        const decide = (n: number) => async (): Promise<Counted[]> => {
          // Only the first attempts meet at the barrier; a retry goes straight on.
          if (arrived < 2 && ++arrived === 2) release();
          await bothRead;
          return counted(n);
        };
        const options = retry ? { retry: { onVersionConflict: 5 } } : { retry: { retries: 0 } };
        return Promise.allSettled([handle(store, id, decide(1), options), handle(store, id, decide(2), options)]);
      };

      it('without retries, exactly one wins and the other gets a version conflict', async () => {
        const id = await seeded(1);
        const outcomes = await race(id, false);
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(isExpectedVersionConflictError((lost[0] as PromiseRejectedResult).reason)).toBe(true);
        expect(await positions(id, {})).toEqual([1, 2]);
      });

      it('with retries on conflict, the loser retries on the new state and both commit', async () => {
        const id = await seeded(1);
        const outcomes = await race(id, true);
        expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
        const versions = outcomes.map(
          (outcome) => (outcome as PromiseFulfilledResult<{ nextExpectedStreamVersion: bigint }>).value.nextExpectedStreamVersion,
        );
        expect(versions.sort()).toEqual([2n, 3n]);
        const read = await store.readStream<Counted>(id);
        expect(read.events.map((event) => event.data.n).sort()).toEqual([1, 1, 2]);
      });
    });
  });
}
