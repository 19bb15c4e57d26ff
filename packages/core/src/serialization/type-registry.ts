import { ValidationError } from '../errors.js';
import type { EventUnion } from '../typed-events.js';

// biome-ignore lint/suspicious/noExplicitAny: constructors of user classes take any arguments
export type EventClass<T = unknown> = new (...args: any[]) => T;

/** How one event type is stored and read back. */
export interface EventTypeDefinition<T = unknown> {
  /** The current schema version written for this type (default 1). */
  schemaVersion?: number;
  /** A class: read events become instances of it (own properties copied onto its prototype). */
  class?: EventClass<T>;
  /** Turns plain stored data into the application's value (wins over `class`). */
  decode?(data: unknown): T;
  /** Turns the application's value into plain data before encoding (default: as is). */
  encode?(value: T): unknown;
  /** Upcasters keyed by the version they read: `{ 1: v1 => v2, 2: v2 => v3 }`. */
  upcasters?: Record<number, (data: unknown) => unknown>;
  /**
   * Downcasters keyed by the version they read: `{ 3: v3 => v2 }`. With `writeVersion` below `schemaVersion`,
   * values are downcast before writing (so older readers still understand them during a rolling upgrade).
   */
  downcasters?: Record<number, (data: unknown) => unknown>;
  /** The schema version to write (default `schemaVersion`); needs downcasters from `schemaVersion` down to it. */
  writeVersion?: number;
  /** Payload format for this type, overriding the store's default (`json`, `msgpack`, ...). */
  format?: string;
  /** Compression for this type, overriding the store's (`false` turns it off). */
  compression?: { name: string; threshold: number } | false;
}

/** The type names of `E` (any string when `E` is not given). */
export type EventTypeName<E> = unknown extends E ? string : EventUnion<E>['type'];
/** The data of the type named `K` in `E` (unknown when `E` is not given). */
export type EventDataOfType<E, K> = unknown extends E ? unknown : Extract<EventUnion<E>, { type: K }>['data'];

/**
 * Maps event type names to definitions (and classes back to names). Unknown types are read as plain data.
 * `E` (optional: a union or an event map, as for typed reads) limits `register` to `E`'s type names and types each
 * definition's data: `new TypeRegistry<OrderEvents>().register('OrderPlaced', { decode: ... })`.
 */
export class TypeRegistry<E = unknown> {
  private readonly byName = new Map<string, EventTypeDefinition>();
  private readonly byClass = new Map<unknown, string>();

  /** Registers a type name. Returns the registry for chaining. */
  register<K extends EventTypeName<E>, T extends EventDataOfType<E, K> = EventDataOfType<E, K>>(
    typeName: K,
    definition: EventTypeDefinition<T> | EventClass<T> = {},
  ): this {
    const def: EventTypeDefinition<T> = typeof definition === 'function' ? { class: definition } : definition;
    if (def.schemaVersion !== undefined && (!Number.isSafeInteger(def.schemaVersion) || def.schemaVersion < 1)) {
      throw new ValidationError('schemaVersion', `Schema version of '${typeName}' must be an integer >= 1`);
    }
    const current = def.schemaVersion ?? 1;
    const write = def.writeVersion ?? current;
    if (!Number.isSafeInteger(write) || write < 1 || write > current) {
      throw new ValidationError('writeVersion', `Write version of '${typeName}' must be an integer in 1..${current}`);
    }
    for (let version = current; version > write; version--) {
      if (!def.downcasters?.[version]) {
        throw new ValidationError('downcasters', `'${typeName}' writes version ${write} but has no downcaster from ${version}`);
      }
    }
    this.byName.set(typeName, def as EventTypeDefinition);
    if (def.class) this.byClass.set(def.class, typeName);
    return this;
  }

  /** The definition of a type name, if registered. */
  get(typeName: string): EventTypeDefinition | undefined {
    return this.byName.get(typeName);
  }

  /** The registered type name of a class instance, if its class is registered. */
  typeOf(value: unknown): string | undefined {
    if (value === null || typeof value !== 'object') return undefined;
    return this.byClass.get((value as object).constructor);
  }

  /** Registered type names. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
