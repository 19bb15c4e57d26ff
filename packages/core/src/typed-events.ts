import type { EventData, RecordedEvent } from './model.js';

/**
 * The events of an application, for typed reads and writes: either a discriminated union
 * (`{ type: 'OrderPlaced'; data: { total: number } } | { type: 'OrderPaid'; data: {} }`) or an event map
 * (`{ OrderPlaced: { total: number }; OrderPaid: {} }`, type name to data). Types only: nothing is checked at run time.
 */
export type EventTypes = { type: string; data: unknown } | object;

/** `E` as a union of `{ type, data }` (an event map is turned into one). */
export type EventUnion<E> = E extends { type: string; data: unknown }
  ? E
  : E extends object
    ? { [K in keyof E & string]: { type: K; data: E[K] } }[keyof E & string]
    : never;

/**
 * A recorded event of `E`: a union on `type`, so that `if (event.type === 'OrderPlaced')` types `event.data`.
 * Without `E` (or with `unknown`), a `RecordedEvent` of unknown data.
 */
export type RecordedEventOf<E = unknown> = unknown extends E
  ? RecordedEvent
  : EventUnion<E> extends infer U
    ? U extends { type: infer T extends string; data: infer D }
      ? RecordedEvent<D, T>
      : never
    : never;

/**
 * An event of `E` to append: its `type` is required and names one of `E`'s types, its `data` is that type's.
 * Without `E`, any {@link EventData}.
 */
export type EventDataOf<E = unknown> = unknown extends E
  ? EventData
  : EventUnion<E> extends infer U
    ? U extends { type: infer T extends string; data: infer D }
      ? EventData<D, T> & { type: T }
      : never
    : never;
