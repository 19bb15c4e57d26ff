/**
 * A custom StreamStore backend in about a hundred lines: one JSON file per stream in a directory.
 * Atomicity: every change of a stream runs under that stream's in-process mutex and replaces its file at once
 * (write a temporary file, then rename it over the old one). Good for learning the SPI, not for several processes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ExpectedRevision, StoreClosedError, type StreamInfo, type StreamSummary } from '@streamstore/core';
import {
  type AppendOutcome,
  type CallOptions,
  type EncodedEvent,
  type EventLocation,
  type MultitenantStorage,
  matchesExpected,
  type StoredEvent,
  type StreamStorage,
  throwIfAborted,
  validateTenantId,
} from '@streamstore/core/storage';

/** A stored event as JSON: binary payloads become base64. */
type FileEvent = Omit<StoredEvent, 'data'> & { data: string | { base64: string } };
interface StreamFile {
  streamId: string;
  createdAt: number;
  updatedAt: number;
  events: FileEvent[];
}

// One queue per file, shared by every storage of this process, so that two storages over one directory serialize too.
const queues = new Map<string, Promise<unknown>>();

function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(task);
  const tail = run.catch(() => {});
  queues.set(key, tail);
  void tail.then(() => queues.get(key) === tail && queues.delete(key));
  return run;
}

const toStored = (event: FileEvent): StoredEvent => ({
  ...event,
  data: typeof event.data === 'string' ? event.data : new Uint8Array(Buffer.from(event.data.base64, 'base64')),
});
// updatedAt: the last event's timestamp (the caller's), as the SPI asks.
const info = (file: StreamFile): StreamInfo => ({
  revision: file.events.length,
  createdAt: new Date(file.createdAt),
  updatedAt: new Date(file.events.at(-1)?.timestamp ?? file.updatedAt),
});

/** The storage over one directory (one tenant). */
export class JsonFileStorage implements StreamStorage {
  readonly name = 'json-file';
  readonly capabilities = {
    globalOrder: false,
    backwardRead: true,
    listStreams: true,
    optimisticConcurrency: true,
    locking: false,
  };

  private closed = false;

  constructor(readonly directory: string) {}

  async provision(): Promise<void> {
    this.ensureOpen();
    await mkdir(this.directory, { recursive: true });
  }

  /** Stream ids may hold any character: the file is named after a hash, and the id is kept inside. */
  private path(streamId: string): string {
    this.ensureOpen(); // every call but provision and close finds its file here
    return join(this.directory, `${createHash('sha256').update(streamId).digest('hex')}.json`);
  }

  private async load(path: string): Promise<StreamFile | null> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as StreamFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async append(streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[], options?: CallOptions) {
    const path = this.path(streamId);
    return withLock(path, async (): Promise<AppendOutcome> => {
      throwIfAborted(options?.signal);
      const now = Date.now();
      const file = (await this.load(path)) ?? { streamId, createdAt: now, updatedAt: now, events: [] };
      const head = file.events.length;
      if (!matchesExpected(expected, head)) return { status: 'conflict', actual: head };
      const stored = new Set(file.events.map((event) => event.id));
      if (events.some((event) => stored.has(event.id))) return { status: 'duplicate', actual: head };
      for (const [i, event] of events.entries()) {
        const data = typeof event.data === 'string' ? event.data : { base64: Buffer.from(event.data).toString('base64') };
        file.events.push({ ...event, data, streamId, revision: head + i + 1, recordedAt: now });
      }
      file.updatedAt = now;
      const temporary = `${path}.${randomUUID()}.tmp`;
      await writeFile(temporary, JSON.stringify(file));
      await rename(temporary, path); // atomic: readers see the old file or the new one, never half of it
      return { status: 'ok', revision: file.events.length };
    });
  }

  async findEvents(streamId: string, eventIds: readonly string[]): Promise<EventLocation[]> {
    const wanted = new Set(eventIds);
    const events = (await this.load(this.path(streamId)))?.events ?? [];
    return events.filter((event) => wanted.has(event.id)).map(({ id, revision }) => ({ id, revision }));
  }

  async readStream(streamId: string, query: { from: number; direction: 'forward' | 'backward'; limit: number }) {
    const events = (await this.load(this.path(streamId)))?.events ?? [];
    if (query.direction === 'forward') return events.slice(query.from - 1, query.from - 1 + query.limit).map(toStored);
    const end = Math.min(query.from, events.length);
    return events
      .slice(Math.max(0, end - query.limit), end)
      .reverse()
      .map(toStored);
  }

  async getStream(streamId: string): Promise<StreamInfo | null> {
    const file = await this.load(this.path(streamId));
    return file && info(file);
  }

  async deleteStream(streamId: string, expected: ExpectedRevision | undefined, options?: CallOptions) {
    const path = this.path(streamId);
    return withLock(path, async () => {
      throwIfAborted(options?.signal);
      const file = await this.load(path);
      const head = file?.events.length ?? 0;
      if (expected !== undefined && !matchesExpected(expected, head)) return { status: 'conflict' as const, actual: head };
      await rm(path, { force: true });
      return { status: 'ok' as const, deleted: file !== null };
    });
  }

  async listStreams(query: { after?: string; prefix?: string; limit: number }): Promise<StreamSummary[]> {
    this.ensureOpen();
    const { after, prefix } = query;
    const names = (await readdir(this.directory)).filter((name) => name.endsWith('.json'));
    const files = await Promise.all(names.map((name) => this.load(join(this.directory, name))));
    return files
      .filter((file): file is StreamFile => file !== null && (after === undefined || file.streamId > after))
      .filter((file) => prefix === undefined || file.streamId.startsWith(prefix))
      .sort((a, b) => (a.streamId < b.streamId ? -1 : 1))
      .slice(0, query.limit)
      .map((file) => ({ streamId: file.streamId, ...info(file) }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** After close, every call throws StoreClosedError (the SPI's error table); close itself may be called again. */
  private ensureOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}

/** A storage keeping each stream in a JSON file under `directory`. */
export function jsonFileStorage(directory: string): JsonFileStorage {
  return new JsonFileStorage(directory);
}

/**
 * One sub-directory per tenant. The tenant id becomes a path, so it is checked here too (`^[a-z][a-z0-9_]{0,47}$`):
 * the factory validates it, but this method can be called without the factory, and '../x' must never be a tenant.
 */
jsonFileStorage.multitenant = (root: string): MultitenantStorage => ({
  name: 'json-file',
  forTenant: (tenantId) => new JsonFileStorage(join(root, validateTenantId(tenantId))),
});
