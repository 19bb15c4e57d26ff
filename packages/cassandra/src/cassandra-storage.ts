import {
  type AppendOutcome,
  type CallOptions,
  ConfigurationError,
  type EncodedEvent,
  type EventLocation,
  type ExpectedRevision,
  type MigrationStep,
  matchesExpected,
  type StorageCapabilities,
  StorageUnavailableError,
  type StoredEvent,
  type StreamInfo,
  type StreamStorage,
  throwIfAborted,
} from '@streamstore/core';
import type { types } from 'cassandra-driver';
import cassandra from 'cassandra-driver';
import { checkCommitSize } from './batch-size.js';
import { bucketOf, isFull, locateStream, type StreamChain } from './chain.js';
import { isOutcomeUnknown, translateDriverError } from './driver-errors.js';
import type { ResolvedConfig } from './options.js';
import { toStoredEvent } from './rows.js';
import { createKeyspaceStatement, createVersionTableStatement, ID_KIND, migrations } from './schema.js';
import { type BatchStatement, long, type Session, toNumber } from './session.js';
import { DELETED_HEAD, Statements } from './statements.js';

/** Where a commit goes: the bucket, the head it must find there, and whether it creates the bucket. */
interface WritePlan {
  bucket: number;
  head: number;
  /** Set when the bucket does not exist yet: the generation to continue (or start) and the stream's creation time. */
  create?: { gen: types.Uuid; createdAt: Date | null };
}

/** What an `[applied] = false` answer said. */
interface Rejection {
  /** The bucket's static head (null: the bucket does not exist). */
  head: number | null;
  /** Event ids of the batch already stored in the bucket. */
  duplicateIds: string[];
}

// Enough for any realistic interleaving of concurrent commits and deletes; the loop only repeats on a race.
const MAX_ATTEMPTS = 16;

/** The Cassandra (and Cosmos DB) storage of one keyspace and table. Create it with `cassandraStorage()`. */
export class CassandraStorage implements StreamStorage {
  readonly name: string;
  readonly capabilities: StorageCapabilities;
  private readonly statements: Statements;
  private closed = false;

  constructor(
    private readonly session: Session,
    private readonly config: ResolvedConfig,
    private readonly release: () => Promise<void>,
    /** Tenant recorded as the keyspace's owner (multitenant storages), checked at provisioning. */
    private readonly owner?: string,
  ) {
    this.name = config.dialect === 'cosmos' ? 'cosmos-cassandra' : 'cassandra';
    this.statements = new Statements(config);
    this.capabilities = Object.freeze({
      globalOrder: false,
      backwardRead: true,
      listStreams: false,
      optimisticConcurrency: true,
      locking: false,
      maxEventsPerCommit: config.maxEventsPerCommit,
    });
  }

  /** The keyspace holding this store's table. */
  get keyspace(): string {
    return this.config.keyspace;
  }

  /** The events table (its version table is `<table>_schema`). */
  get table(): string {
    return this.config.table;
  }

  // ---------------------------------------------------------------- schema

  async provision(options?: CallOptions): Promise<void> {
    throwIfAborted(options?.signal);
    const { session, config, statements } = this;
    await session.schema(createKeyspaceStatement(config), 'create keyspace');
    await session.schema(createVersionTableStatement(config), 'create version table');
    if (this.owner !== undefined) await this.checkOwner(this.owner);
    const applied = await this.appliedVersions();
    for (const step of migrations(config)) {
      if (applied.has(step.version)) continue;
      throwIfAborted(options?.signal);
      for (const statement of step.statements) await session.schema(statement, `migration ${step.version}`);
      await session.execute(
        statements.recordVersion,
        [step.version, step.description],
        config.consistency.write,
        'record migration',
        config.consistency.serial,
      );
    }
  }

  async planMigrations(options?: CallOptions): Promise<MigrationStep[]> {
    throwIfAborted(options?.signal);
    let applied = new Set<number>();
    try {
      applied = await this.appliedVersions();
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
    }
    const pending = migrations(this.config).filter((step) => !applied.has(step.version));
    if (applied.size > 0) return pending;
    return [
      {
        version: 0,
        description: 'keyspace and version table',
        statements: [createKeyspaceStatement(this.config), createVersionTableStatement(this.config)],
      },
      ...pending,
    ];
  }

  private async appliedVersions(): Promise<Set<number>> {
    const result = await this.session.execute(this.statements.selectVersions, [], this.config.consistency.read, 'read versions');
    return new Set(result.rows.map((row) => row.version as number).filter((version) => version > 0));
  }

  /** A tenant keyspace whose name was shortened with a hash must belong to this tenant: fail closed otherwise. */
  private async checkOwner(owner: string): Promise<void> {
    const { config } = this;
    const result = await this.session.execute(
      this.statements.recordOwner,
      [owner],
      config.consistency.write,
      'record keyspace owner',
      config.consistency.serial,
    );
    if (result.wasApplied()) return;
    const recorded = result.first()?.owner as string | undefined;
    if (recorded !== owner) {
      throw new ConfigurationError(`Keyspace '${config.keyspace}' belongs to tenant '${recorded}', not '${owner}'`);
    }
  }

  // ---------------------------------------------------------------- append

  async append(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): Promise<AppendOutcome> {
    this.ensureOpen();
    checkCommitSize(streamId, events, this.config.maxMutationBytes);
    throwIfAborted(options?.signal);
    let plan =
      typeof expected === 'number' || expected === 'no-stream'
        ? this.directPlan(expected === 'no-stream' ? 0 : expected)
        : undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (!plan) {
        const decided = await this.planFromChain(streamId, expected, await this.locate(streamId));
        if ('status' in decided) return decided;
        if (decided.retry) continue;
        plan = decided.plan;
      }
      if (plan.bucket > 0) {
        // Ids in earlier (full, hence immutable) buckets cannot be checked by this LWT: look them up first.
        const earlier = await this.findIdsInBuckets(
          streamId,
          events.map((event) => event.id),
          plan.bucket,
          this.config.consistency.read,
        );
        if (earlier.length > 0) return { status: 'duplicate' };
      }
      const rejection = await this.commit(streamId, plan, events);
      if (rejection === null) return { status: 'ok', revision: plan.head + events.length };
      const { head } = rejection;
      if (head === plan.head && rejection.duplicateIds.length > 0) return { status: 'duplicate', actual: head };
      // Bucket 0 is always the start of the live chain: a head found there that is not full is the stream's head.
      if (plan.bucket === 0 && head !== null && head >= 0 && head < this.config.bucketSize && head !== plan.head) {
        if (typeof expected === 'number' || expected === 'no-stream') return { status: 'conflict', actual: head };
      }
      // Anything else (bucket missing, full, marked deleted, or a later bucket): look at the whole chain.
      const chain = await this.locate(streamId);
      const decided = await this.planFromChain(streamId, expected, chain);
      if ('status' in decided) return decided;
      plan = decided.retry ? undefined : decided.plan;
    }
    throw new StorageUnavailableError(`Stream '${streamId}': gave up after ${MAX_ATTEMPTS} contended attempts`);
  }

  /** The plan for an expected revision known up front: no read needed before the LWT. */
  private directPlan(head: number): WritePlan {
    if (head === 0) return { bucket: 0, head: 0, create: { gen: cassandra.types.Uuid.random(), createdAt: null } };
    return { bucket: bucketOf(head, this.config.bucketSize), head };
  }

  /** Decides what to do once the chain is known: an outcome, a plan, or "retry" after cleaning up. */
  private async planFromChain(
    streamId: string,
    expected: ExpectedRevision,
    chain: StreamChain,
  ): Promise<AppendOutcome | { plan: WritePlan; retry?: false } | { retry: true }> {
    if (chain.state === 'deleting') {
      await this.dropChain(streamId, chain.gen, chain.last);
      return { retry: true };
    }
    if (chain.state === 'live' && chain.stale) {
      await this.dropStale(streamId, chain.stale.bucket, chain.stale.gen);
      return { retry: true };
    }
    const head = chain.state === 'live' ? chain.current.head : 0;
    if (!matchesExpected(expected, head)) return { status: 'conflict', actual: head };
    if (chain.state === 'absent') return { plan: this.directPlan(0) };
    const { current } = chain;
    const first = chain.buckets[0] ?? current;
    if (!isFull(current, this.config.bucketSize)) return { plan: { bucket: current.bucket, head } };
    return {
      plan: {
        bucket: current.bucket + 1,
        head,
        create: { gen: cassandra.types.Uuid.fromString(current.gen), createdAt: first.createdAt },
      },
    };
  }

  /** Runs the commit's single conditional batch; null when applied. Resolves unknown outcomes by reading back. */
  private async commit(streamId: string, plan: WritePlan, events: readonly EncodedEvent[]): Promise<Rejection | null> {
    const statements = this.batchFor(streamId, plan, events);
    const { consistency } = this.config;
    const run = () =>
      this.session.rawBatch(statements, {
        logged: this.config.dialect !== 'cosmos',
        consistency: consistency.write,
        serialConsistency: consistency.serial,
      });
    for (let attempt = 0; ; attempt++) {
      let result: types.ResultSet;
      try {
        result = await run();
      } catch (error) {
        if (!isOutcomeUnknown(error)) throw translateDriverError(error, 'append');
        const resolved = await this.resolveUnknownOutcome(streamId, plan, events, error);
        if (resolved === 'applied') return null;
        if (resolved === 'duplicate') return { head: plan.head, duplicateIds: events.map((event) => event.id) };
        // Not applied (a SERIAL read completed any in-flight round): sending the same conditional batch again is
        // safe, its conditions make a late first attempt and the retry mutually exclusive.
        if (attempt >= 1) {
          throw new StorageUnavailableError(
            `Stream '${streamId}': the outcome of the commit is unknown (the LWT timed out twice); retry with the same event ids`,
            { cause: error },
          );
        }
        continue;
      }
      if (result.wasApplied()) return null;
      return this.parseRejection(result);
    }
  }

  /**
   * After a timeout of the LWT the write may or may not have happened. Reading the batch's ids back at SERIAL
   * consistency (which completes any in-flight Paxos round) tells: all at the planned revisions -> applied; some or
   * elsewhere -> a duplicate for the core to resolve; none -> not applied.
   */
  async resolveUnknownOutcome(
    streamId: string,
    plan: { head: number },
    events: readonly EncodedEvent[],
    cause: unknown,
  ): Promise<'applied' | 'duplicate' | 'not-applied'> {
    let locations: EventLocation[];
    try {
      locations = await this.lookUpEvents(
        streamId,
        events.map((event) => event.id),
        this.config.consistency.serial,
      );
    } catch (error) {
      throw new StorageUnavailableError(
        `Stream '${streamId}': the outcome of the commit is unknown and the event ids could not be read back; retry with the same event ids`,
        { cause: error instanceof StorageUnavailableError ? (error.cause ?? cause) : error },
      );
    }
    if (locations.length === 0) return 'not-applied';
    const byId = new Map(locations.map((location) => [location.id, location.revision]));
    const applied = events.every((event, i) => byId.get(event.id) === plan.head + 1 + i);
    return applied ? 'applied' : 'duplicate';
  }

  private batchFor(streamId: string, plan: WritePlan, events: readonly EncodedEvent[]): BatchStatement[] {
    const s = this.statements;
    const key = [streamId, long(plan.bucket)];
    const newHead = long(plan.head + events.length);
    const head: BatchStatement = !plan.create
      ? { query: s.advanceHead, params: [newHead, ...key, long(plan.head)] }
      : plan.create.createdAt === null
        ? { query: s.createFirstBucket, params: [newHead, plan.create.gen, ...key] }
        : { query: s.createNextBucket, params: [newHead, plan.create.gen, plan.create.createdAt, ...key] };
    const batch: BatchStatement[] = [head];
    events.forEach((event, i) => {
      const revision = plan.head + 1 + i;
      const text = typeof event.data === 'string' ? event.data : null;
      const blob =
        typeof event.data === 'string' ? null : Buffer.from(event.data.buffer, event.data.byteOffset, event.data.byteLength);
      batch.push({
        query: s.insertEvent,
        params: [
          ...key,
          long(revision),
          event.id,
          event.type,
          event.schemaVersion,
          event.format,
          event.compression,
          text,
          blob,
          event.metadata,
          new Date(event.timestamp),
        ],
      });
      batch.push({ query: s.insertEventId, params: [...key, event.id, long(revision)] });
    });
    return batch;
  }

  private parseRejection(result: types.ResultSet): Rejection {
    let head: number | null = null;
    const duplicateIds: string[] = [];
    for (const row of result.rows) {
      // Static columns come with every returned row; a bucket that does not exist returns a row with a null head.
      if (head === null) head = toNumber(row.head);
      if (row.kind === ID_KIND && typeof row.event_id === 'string') duplicateIds.push(row.event_id);
    }
    return { head, duplicateIds };
  }

  // ---------------------------------------------------------------- reads

  async findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    return this.lookUpEvents(streamId, eventIds, this.config.consistency.read);
  }

  private async lookUpEvents(streamId: string, eventIds: readonly string[], consistency: number): Promise<EventLocation[]> {
    const serial = consistency === this.config.consistency.serial ? consistency : undefined;
    const chain = await locateStream(
      this.session,
      this.statements,
      streamId,
      this.config.bucketSize,
      this.config.consistency.read,
      serial,
    );
    if (chain.state !== 'live' || eventIds.length === 0) return [];
    const found = await this.findIdsInBuckets(streamId, eventIds, chain.current.bucket + 1, consistency);
    return found.filter((location) => location.revision <= chain.current.head);
  }

  /** Looks `eventIds` up in buckets 0..`endBucket - 1` (parallel single-partition reads). */
  private async findIdsInBuckets(
    streamId: string,
    eventIds: readonly string[],
    endBucket: number,
    consistency: number,
  ): Promise<EventLocation[]> {
    const ids = [...new Set(eventIds)];
    const pages = await Promise.all(
      Array.from({ length: endBucket }, (_, bucket) =>
        this.session.execute(this.statements.selectEventIds, [streamId, long(bucket), ids], consistency, 'find events'),
      ),
    );
    return pages.flatMap((page) =>
      page.rows.map((row) => ({ id: row.event_id as string, revision: toNumber(row.revision) as number })),
    );
  }

  async readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const chain = await this.locate(streamId);
    if (chain.state !== 'live') return [];
    const head = chain.current.head;
    const size = this.config.bucketSize;
    const events: StoredEvent[] = [];
    const { read } = this.config.consistency;
    if (query.direction === 'forward') {
      if (query.from > head) return [];
      // A commit starting in bucket b may run past b's range, so revision r sits in bucket(r) or the one before.
      for (let bucket = Math.max(0, bucketOf(query.from - 1, size) - 1); bucket <= chain.current.bucket; bucket++) {
        const page = await this.session.execute(
          this.statements.readForward,
          [streamId, long(bucket), long(query.from), long(head), query.limit - events.length],
          read,
          'read stream',
        );
        for (const row of page.rows) events.push(toStoredEvent(streamId, row));
        if (events.length >= query.limit) break;
        throwIfAborted(options?.signal);
      }
      return events;
    }
    const top = Math.min(query.from, head);
    if (top < 1) return [];
    for (let bucket = Math.min(chain.current.bucket, bucketOf(top - 1, size)); bucket >= 0; bucket--) {
      const page = await this.session.execute(
        this.statements.readBackward,
        [streamId, long(bucket), long(top), query.limit - events.length],
        read,
        'read stream',
      );
      for (const row of page.rows) events.push(toStoredEvent(streamId, row));
      if (events.length >= query.limit) break;
      throwIfAborted(options?.signal);
    }
    return events;
  }

  async getStream(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const chain = await this.locate(streamId);
    if (chain.state !== 'live') return null;
    const first = chain.buckets[0] ?? chain.current;
    return { revision: chain.current.head, createdAt: first.createdAt, updatedAt: chain.current.updatedAt };
  }

  // ---------------------------------------------------------------- delete

  async deleteStream(
    streamId: string,
    expected: ExpectedRevision | undefined,
    options?: CallOptions,
  ): Promise<{ status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number }> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const { consistency, bucketSize } = this.config;
    const lwt = (query: string, params: unknown[]) =>
      this.session.execute(query, params, consistency.write, 'delete stream', consistency.serial);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const chain = await this.locate(streamId);
      if (chain.state === 'deleting') await this.dropChain(streamId, chain.gen, chain.last);
      if (chain.state !== 'live') {
        if (expected !== undefined && !matchesExpected(expected, 0)) return { status: 'conflict', actual: 0 };
        return { status: 'ok', deleted: false };
      }
      if (chain.stale) {
        await this.dropStale(streamId, chain.stale.bucket, chain.stale.gen);
        continue;
      }
      const { current } = chain;
      if (expected !== undefined && !matchesExpected(expected, current.head)) return { status: 'conflict', actual: current.head };
      // Each branch is one LWT that makes the whole stream invisible, conditioned on the head just read (so the
      // expected check and the delete are one atomic step); removing the partitions afterwards is cleanup.
      if (isFull(current, bucketSize)) {
        // No commit can land in a full bucket: claiming the next one blocks the only place the stream could grow.
        const claimed = await lwt(this.statements.claimNextBucketDeleted, [
          cassandra.types.Uuid.fromString(current.gen),
          streamId,
          long(current.bucket + 1),
        ]);
        if (!claimed.wasApplied()) continue;
        await this.dropChain(streamId, current.gen, current.bucket + 1);
        return { status: 'ok', deleted: true };
      }
      if (current.bucket === 0) {
        const result = await this.session
          .rawBatch(
            [
              { query: this.statements.clearHeadIfHead, params: [streamId, long(0), long(current.head)] },
              { query: this.statements.deletePartition, params: [streamId, long(0)] },
            ],
            { logged: this.config.dialect !== 'cosmos', consistency: consistency.write, serialConsistency: consistency.serial },
          )
          .catch((error: unknown) => {
            throw translateDriverError(error, 'delete stream');
          });
        if (result.wasApplied()) return { status: 'ok', deleted: true };
        continue;
      }
      const marked = await lwt(this.statements.markDeleted, [streamId, long(current.bucket), long(current.head)]);
      if (!marked.wasApplied()) continue;
      await this.dropChain(streamId, current.gen, current.bucket);
      return { status: 'ok', deleted: true };
    }
    throw new StorageUnavailableError(`Stream '${streamId}': delete gave up after ${MAX_ATTEMPTS} contended attempts`);
  }

  /**
   * Removes buckets 0..`last` of generation `gen`, the marked bucket last so the stream reads as deleted throughout.
   * Each removal is conditioned on the generation: a slow helper can never remove a re-created stream's data.
   */
  private async dropChain(streamId: string, gen: string, last: number): Promise<void> {
    for (let bucket = 0; bucket < last; bucket++) await this.dropBucket(streamId, bucket, gen);
    await this.dropBucket(streamId, last, gen);
  }

  /** Removes a leftover generation's buckets found after the live chain, starting at `bucket`. */
  private async dropStale(streamId: string, bucket: number, gen: string): Promise<void> {
    for (let next = bucket; ; next++) {
      if (!(await this.dropBucket(streamId, next, gen))) return;
    }
  }

  private async dropBucket(streamId: string, bucket: number, gen: string): Promise<boolean> {
    const { consistency } = this.config;
    try {
      const result = await this.session.rawBatch(
        [
          { query: this.statements.clearHeadIfGen, params: [streamId, long(bucket), cassandra.types.Uuid.fromString(gen)] },
          { query: this.statements.deletePartition, params: [streamId, long(bucket)] },
        ],
        { logged: this.config.dialect !== 'cosmos', consistency: consistency.write, serialConsistency: consistency.serial },
      );
      return result.wasApplied();
    } catch (error) {
      throw translateDriverError(error, 'delete stream');
    }
  }

  // ---------------------------------------------------------------- misc

  private locate(streamId: string): Promise<StreamChain> {
    return locateStream(this.session, this.statements, streamId, this.config.bucketSize, this.config.consistency.read);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }

  private ensureOpen(): void {
    if (this.closed) throw new ConfigurationError('This Cassandra storage is closed');
  }
}

export { DELETED_HEAD };
