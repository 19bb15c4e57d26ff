import {
  DuplicateEventError,
  type ExpectedRevision,
  StorageUnavailableError,
  StreamConcurrencyError,
  StreamLockedError,
  type StreamStore,
} from '@streamstore/core';
import fc from 'fast-check';
import { type ModelExpected, satisfies } from './contract-rules.js';
import { describeError } from './observe.js';

/** Streams the concurrent writers fight over. */
export const CONTENDED_STREAMS = ['hot', 'warm'] as const;

/** One commit a concurrent writer attempts. */
export interface WriterCommand {
  stream: number;
  /** `last-seen`: the revision this writer last saw of the stream (a result or a conflict's `actual`). */
  mode: 'last-seen' | 'any' | 'no-stream' | 'stream-exists' | 'retry-last';
  size: number;
}

/** Commands of `writers` writers, up to `maxCommands` each. */
export function writerCommands(writers: number, maxCommands: number): fc.Arbitrary<WriterCommand[][]> {
  const command = fc.record({
    stream: fc.integer({ min: 0, max: CONTENDED_STREAMS.length - 1 }),
    mode: fc.constantFrom<WriterCommand['mode']>('last-seen', 'last-seen', 'any', 'no-stream', 'stream-exists', 'retry-last'),
    size: fc.integer({ min: 1, max: 2 }),
  });
  return fc.array(fc.array(command, { minLength: 1, maxLength: maxCommands, size: 'max' }), {
    minLength: writers,
    maxLength: writers,
  });
}

type AttemptOutcome =
  | { kind: 'ok'; revision: number; position?: string }
  /** Refused without writing: a conflict (`actual` set) or a held lock. */
  | { kind: 'rejected'; actual?: number }
  | { kind: 'duplicate' }
  /** The storage failed: the commit may or may not have happened, but never in part. */
  | { kind: 'unknown'; error: string };

interface Attempt {
  writer: number;
  streamId: string;
  expected: ModelExpected;
  ids: string[];
  retryOf?: Attempt;
  /** Logical times of the call and of its answer, to compare calls that did not overlap. */
  invoked: number;
  responded: number;
  outcome: AttemptOutcome;
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

function showAttempt(attempt: Attempt): string {
  const expected = typeof attempt.expected === 'string' ? `'${attempt.expected}'` : attempt.expected;
  const retry = attempt.retryOf ? 'retry ' : '';
  return (
    `t${attempt.invoked}-${attempt.responded} writer ${attempt.writer}: ${retry}append('${attempt.streamId}', ${expected}, ` +
    `[${attempt.ids.join(', ')}]) -> ${JSON.stringify(attempt.outcome)}`
  );
}

/**
 * Several writers append in parallel to a few streams (writer w through `stores[w % stores.length]`), then the
 * per-stream commit order is checked for linearizability: every acknowledged commit is in its stream exactly once,
 * contiguous, at the revision it was acknowledged with; a commit answered before another was sent is ordered
 * before it (also by position, with `globalOrder`); rejected commits wrote nothing; no gaps; no event nobody
 * wrote; a retry of an acknowledged commit returns its original result. Throws with the attempt log on a violation.
 */
export async function runConcurrentWriters(
  stores: readonly StreamStore[],
  commands: readonly (readonly WriterCommand[])[],
  globalOrder: boolean,
): Promise<void> {
  let clock = 0;
  const attempts: Attempt[] = [];
  const violations: string[] = [];
  await Promise.all(
    commands.map(async (own, writer) => {
      const store = stores[writer % stores.length] as StreamStore;
      const lastSeen = new Map<string, number>();
      let lastWritten: Attempt | undefined;
      for (const [index, command] of own.entries()) {
        await nextTick();
        const streamId = CONTENDED_STREAMS[command.stream] as string;
        let attempt: Attempt;
        if (command.mode === 'retry-last' && lastWritten) {
          attempt = { ...lastWritten, retryOf: lastWritten, invoked: 0, responded: 0, outcome: { kind: 'unknown', error: '' } };
        } else {
          const mode = command.mode === 'retry-last' ? 'any' : command.mode;
          const expected = mode === 'last-seen' ? (lastSeen.get(streamId) ?? 0) : mode;
          const ids = Array.from({ length: command.size }, (_, i) => `w${writer}-${index + 1}-${i + 1}`);
          attempt = { writer, streamId, expected, ids, invoked: 0, responded: 0, outcome: { kind: 'unknown', error: '' } };
        }
        attempt.invoked = ++clock;
        try {
          const events = attempt.ids.map((id) => ({ id, type: 'Contended', data: { writer, id } }));
          const result = await store.append(attempt.streamId, attempt.expected as ExpectedRevision, events);
          attempt.outcome =
            result.position === undefined
              ? { kind: 'ok', revision: result.revision }
              : { kind: 'ok', revision: result.revision, position: result.position };
          lastSeen.set(attempt.streamId, result.revision);
          if (!attempt.retryOf) lastWritten = attempt;
        } catch (error) {
          if (error instanceof StreamConcurrencyError) {
            attempt.outcome = { kind: 'rejected', actual: error.actual };
            lastSeen.set(attempt.streamId, error.actual);
          } else if (error instanceof StreamLockedError) {
            attempt.outcome = { kind: 'rejected' };
          } else if (error instanceof DuplicateEventError) {
            attempt.outcome = { kind: 'duplicate' };
          } else if (error instanceof StorageUnavailableError) {
            attempt.outcome = { kind: 'unknown', error: describeError(error) };
          } else {
            attempt.outcome = { kind: 'unknown', error: describeError(error) };
            violations.push(`unexpected error: ${showAttempt(attempt)}`);
          }
        }
        attempt.responded = ++clock;
        attempts.push(attempt);
      }
    }),
  );
  await checkLinearizable(stores[0] as StreamStore, attempts, globalOrder, violations);
  if (violations.length > 0) {
    const log = [...attempts].sort((a, b) => a.invoked - b.invoked).map(showAttempt);
    throw new Error(
      `Concurrent commits are not linearizable:\n  ${violations.join('\n  ')}\nAttempts in call order:\n  ${log.join('\n  ')}`,
    );
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function positionBefore(a: string, b: string): boolean {
  return BigInt(a) < BigInt(b);
}

async function checkLinearizable(
  store: StreamStore,
  attempts: readonly Attempt[],
  globalOrder: boolean,
  violations: string[],
): Promise<void> {
  const fresh = attempts.filter((attempt) => !attempt.retryOf);
  const positionOf = new Map<string, string>();
  for (const streamId of CONTENDED_STREAMS) {
    const events = await collect(store.read(streamId));
    const revisionOf = new Map<string, number>();
    events.forEach((event, i) => {
      if (event.revision !== i + 1) violations.push(`${streamId}: revision ${event.revision} at place ${i + 1} (a gap)`);
      if (revisionOf.has(event.id)) violations.push(`${streamId}: event ${event.id} is stored twice`);
      revisionOf.set(event.id, event.revision);
      if (event.position !== undefined) positionOf.set(`${streamId}\u0000${event.id}`, event.position);
    });
    const head = (await store.getStream(streamId))?.revision ?? 0;
    if (head !== events.length) violations.push(`${streamId}: getStream says ${head}, ${events.length} events are readable`);
    const mine = fresh.filter((attempt) => attempt.streamId === streamId);
    let accounted = 0;
    for (const attempt of mine) {
      const found = attempt.ids.map((id) => revisionOf.get(id));
      const present = found.filter((revision) => revision !== undefined).length;
      const contiguous = found.every((revision, i) => revision !== undefined && revision === (found[0] as number) + i);
      const shown = showAttempt(attempt);
      const { outcome } = attempt;
      if (outcome.kind === 'ok') {
        const first = outcome.revision - attempt.ids.length + 1;
        if (!contiguous || found[0] !== first) violations.push(`acknowledged commit not stored at its revision: ${shown}`);
        accounted += attempt.ids.length;
      } else if (outcome.kind === 'unknown') {
        if (present !== 0 && !(present === attempt.ids.length && contiguous)) violations.push(`partial commit: ${shown}`);
        accounted += present;
      } else {
        if (present !== 0) violations.push(`a rejected commit wrote events: ${shown}`);
        if (outcome.kind === 'duplicate') violations.push(`a fresh batch was called a duplicate: ${shown}`);
        if (outcome.kind === 'rejected' && outcome.actual !== undefined) {
          if (satisfies(attempt.expected, outcome.actual))
            violations.push(`a conflict whose actual satisfies expected: ${shown}`);
          if (outcome.actual > events.length) violations.push(`a conflict reported a revision never reached: ${shown}`);
        }
      }
    }
    if (accounted !== events.length) violations.push(`${streamId}: ${events.length - accounted} event(s) nobody wrote`);
    // Real-time order: a commit acknowledged before another was sent comes first.
    const written = mine.filter((attempt) => attempt.outcome.kind === 'ok');
    for (const a of written) {
      for (const b of written) {
        if (
          a.responded < b.invoked &&
          (a.outcome as { revision: number }).revision >= (b.outcome as { revision: number }).revision
        ) {
          violations.push(`commit order contradicts real time: ${showAttempt(a)} answered before ${showAttempt(b)} was sent`);
        }
      }
    }
  }
  for (const attempt of attempts) {
    const original = attempt.retryOf;
    if (original?.outcome.kind !== 'ok') continue;
    const { outcome } = attempt;
    const pinned = typeof original.expected === 'number' || original.expected === 'no-stream';
    if (outcome.kind === 'ok') {
      if (outcome.revision !== original.outcome.revision || outcome.position !== original.outcome.position) {
        violations.push(`a retry returned another result than the original: ${showAttempt(attempt)}`);
      }
    } else if (outcome.kind !== 'unknown' && (pinned || outcome.kind !== 'duplicate')) {
      violations.push(`a retry of an acknowledged commit failed: ${showAttempt(attempt)}`);
    }
  }
  if (globalOrder) checkPositions(fresh, positionOf, violations);
}

function checkPositions(attempts: readonly Attempt[], positionOf: Map<string, string>, violations: string[]): void {
  const written = attempts.filter((attempt) => attempt.outcome.kind === 'ok');
  for (const attempt of written) {
    const position = (attempt.outcome as { position?: string }).position;
    const stored = positionOf.get(`${attempt.streamId}\u0000${attempt.ids[attempt.ids.length - 1]}`);
    if (position === undefined || position !== stored) {
      violations.push(`commit position ${position} differs from the read position ${stored}: ${showAttempt(attempt)}`);
    }
  }
  for (const a of written) {
    for (const b of written) {
      const pa = (a.outcome as { position?: string }).position;
      const pb = (b.outcome as { position?: string }).position;
      if (a.responded < b.invoked && pa !== undefined && pb !== undefined && !positionBefore(pa, pb)) {
        violations.push(`global order contradicts real time: ${showAttempt(a)} answered before ${showAttempt(b)} was sent`);
      }
    }
  }
}
