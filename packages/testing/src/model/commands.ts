import fc from 'fast-check';

/** Stream ids the model-based runs work on: few, so that commands collide on purpose. */
export const MODEL_STREAMS = ['alpha', 'beta', 'gamma'] as const;

/** How a command picks its expected revision, relative to what the stream is at when it runs. */
export type ExpectedSpec =
  | { mode: 'exact' }
  /** A number off by `offset` from the current revision (below it when possible): a stale writer. */
  | { mode: 'stale'; offset: number }
  | { mode: 'any' }
  | { mode: 'no-stream' }
  | { mode: 'stream-exists' };

/** How a retry resends an earlier successful batch. */
export type RetryMode =
  /** Same ids, same expected revision. */
  | 'same'
  /** Same ids with 'any'. */
  | 'any'
  /** Same ids plus a new one (a partial overlap). */
  | 'extend'
  /** Only the first id. */
  | 'prefix'
  /** Same ids in reverse order. */
  | 'reverse';

/** One step of a model-based run. `tenant` and `stream` index the tenants and {@link MODEL_STREAMS}. */
export type ModelCommand =
  | {
      op: 'append';
      tenant: number;
      stream: number;
      expected: ExpectedSpec;
      size: number;
      /** Repeat the first id at the end of the batch (a ValidationError before any I/O). */
      duplicateInBatch: boolean;
      /** Put the id of the stream's event at this index (modulo its length) into the batch: an overlap. */
      reuse: number | null;
    }
  | { op: 'retry'; tenant: number; pick: number; mode: RetryMode }
  | {
      op: 'read';
      tenant: number;
      stream: number;
      direction: 'forward' | 'backward';
      from: number | null;
      maxCount: number | null;
      pageSize: number | null;
    }
  | { op: 'getStream'; tenant: number; stream: number }
  | { op: 'delete'; tenant: number; stream: number; expected: ExpectedSpec | null }
  | { op: 'listStreams'; tenant: number; after: number | null; maxCount: number | null; pageSize: number | null }
  | { op: 'readAll'; tenant: number; fromPick: number | null; maxCount: number | null; pageSize: number | null }
  | {
      op: 'setMetadata';
      tenant: number;
      stream: number;
      /** The expected metadata revision: the current one, a stale one (off by one), 'any' or 'none'. */
      expected: MetadataExpectedSpec;
      maxCount: number | null;
      truncateBefore: number | null;
      /** A value for `custom` (`{ v }`), or null for none. */
      custom: number | null;
    };

/** How a metadata write picks its expected metadata revision, relative to the stream's when it runs. */
export type MetadataExpectedSpec = 'current' | 'stale' | 'any' | 'none';

/** What the generated commands may use. */
export interface CommandSpace {
  tenants: number;
  backwardRead: boolean;
  listStreams: boolean;
  globalOrder: boolean;
  /** Metadata writes (retention settings and custom) with capability `streamTruncatedEvents`. */
  streamMetadata?: boolean;
  maxCommands: number;
}

const expectedSpec: fc.Arbitrary<ExpectedSpec> = fc.oneof(
  fc.constant({ mode: 'exact' as const }),
  fc.record({ mode: fc.constant('stale' as const), offset: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ mode: 'any' as const }),
  fc.constant({ mode: 'no-stream' as const }),
  fc.constant({ mode: 'stream-exists' as const }),
);

const optional = (arbitrary: fc.Arbitrary<number>) => fc.option(arbitrary, { nil: null });

/** Random command sequences over `space`, weighted towards appends and retries (where the bugs live). */
export function modelCommands(space: CommandSpace): fc.Arbitrary<ModelCommand[]> {
  const tenant = fc.integer({ min: 0, max: space.tenants - 1 });
  const stream = fc.integer({ min: 0, max: MODEL_STREAMS.length - 1 });
  const small = fc.integer({ min: 0, max: 6 });
  const weighted: Array<fc.WeightedArbitrary<ModelCommand>> = [
    {
      weight: 8,
      arbitrary: fc.record({
        op: fc.constant('append' as const),
        tenant,
        stream,
        expected: expectedSpec,
        size: fc.integer({ min: 0, max: 3 }),
        // One batch in five repeats an id.
        duplicateInBatch: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
        reuse: optional(fc.nat(5)),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('retry' as const),
        tenant,
        pick: fc.nat(7),
        mode: fc.constantFrom<RetryMode>('same', 'any', 'extend', 'prefix', 'reverse'),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('read' as const),
        tenant,
        stream,
        direction: space.backwardRead
          ? fc.constantFrom('forward' as const, 'backward' as const)
          : fc.constant('forward' as const),
        from: optional(small),
        maxCount: optional(small),
        pageSize: optional(fc.integer({ min: 1, max: 4 })),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('getStream' as const), tenant, stream }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('delete' as const),
        tenant,
        stream,
        expected: fc.option(expectedSpec, { nil: null }),
      }),
    },
  ];
  if (space.listStreams) {
    weighted.push({
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('listStreams' as const),
        tenant,
        after: optional(stream),
        maxCount: optional(fc.integer({ min: 0, max: 3 })),
        pageSize: optional(fc.integer({ min: 1, max: 2 })),
      }),
    });
  }
  if (space.globalOrder) {
    weighted.push({
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('readAll' as const),
        tenant,
        fromPick: optional(fc.nat(20)),
        maxCount: optional(small),
        pageSize: optional(fc.integer({ min: 1, max: 4 })),
      }),
    });
  }
  if (space.streamMetadata) {
    // Each setting is absent half the time: retention hides events, and a stream whose events are all hidden would
    // also hide a backend's bugs (events a delete left behind, say) from the reads that should reveal them.
    const sometimes = (arbitrary: fc.Arbitrary<number>) => fc.option(arbitrary, { nil: null, freq: 2 });
    weighted.push({
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('setMetadata' as const),
        tenant,
        stream,
        expected: fc.constantFrom<MetadataExpectedSpec>('current', 'current', 'stale', 'any', 'none'),
        maxCount: sometimes(fc.integer({ min: 1, max: 4 })),
        truncateBefore: sometimes(small),
        custom: optional(fc.nat(3)),
      }),
    });
  }
  // size 'max': lengths spread up to maxCommands (the default bias keeps arrays to about ten items).
  return fc.array(fc.oneof(...weighted), { minLength: 1, maxLength: space.maxCommands, size: 'max' });
}
