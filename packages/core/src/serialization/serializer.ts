import { SerializationError } from '../errors.js';
import type { EncodedEvent } from '../storage.js';
import type { PayloadCodec, PayloadCompressor } from './codec.js';
import { jsonCodec } from './json-codec.js';
import { TypeRegistry } from './type-registry.js';

/** Serialization settings of a store. */
export interface SerializationOptions {
  /** Type names <-> classes/decoders, schema versions and upcasters. */
  registry?: TypeRegistry;
  /** Format of new events unless their type says otherwise (default `json`). */
  defaultFormat?: string;
  /** Extra codecs (MessagePack, Protobuf, ...). JSON is always available. */
  codecs?: PayloadCodec[];
  /** Compressors available for reading and, with `compression`, for writing. */
  compressors?: PayloadCompressor[];
  /** Compress payloads of at least `threshold` bytes with the named compressor. */
  compression?: { name: string; threshold: number };
}

/** The decoded part of a stored event. */
export interface DecodedPayload {
  data: unknown;
  metadata: Record<string, unknown>;
}

/**
 * Encodes events into self-describing envelopes and decodes them by their envelope, never by the current
 * settings, so events written with another format stay readable.
 */
export class EventSerializer {
  readonly registry: TypeRegistry;
  private readonly codecs = new Map<string, PayloadCodec>();
  private readonly compressors = new Map<string, PayloadCompressor>();
  private readonly defaultFormat: string;
  private readonly compression: { compressor: PayloadCompressor; threshold: number } | undefined;

  constructor(options: SerializationOptions = {}) {
    this.registry = options.registry ?? new TypeRegistry();
    this.codecs.set(jsonCodec.format, jsonCodec);
    for (const codec of options.codecs ?? []) this.codecs.set(codec.format, codec);
    for (const compressor of options.compressors ?? []) this.compressors.set(compressor.name, compressor);
    this.defaultFormat = options.defaultFormat ?? 'json';
    if (!this.codecs.has(this.defaultFormat)) {
      throw new SerializationError('defaultFormat', `No codec is registered for format '${this.defaultFormat}'`);
    }
    if (options.compression) {
      const compressor = this.compressors.get(options.compression.name);
      if (!compressor) {
        throw new SerializationError('compression', `No compressor is registered as '${options.compression.name}'`);
      }
      this.compression = { compressor, threshold: options.compression.threshold };
    }
  }

  /** The type name of an event: its `type`, or the registered name of its data's class. */
  resolveType(type: string | undefined, data: unknown): string | undefined {
    return type ?? this.registry.typeOf(data);
  }

  /** Encodes one event's payload and metadata. Throws `SerializationError` naming `field`. */
  encode(
    field: string,
    event: { id: string; type: string; data: unknown; metadata?: object | undefined; timestamp?: Date | undefined },
  ): EncodedEvent {
    const definition = this.registry.get(event.type);
    const format = definition?.format ?? this.defaultFormat;
    const codec = this.codecs.get(format);
    if (!codec) throw new SerializationError(field, `No codec is registered for format '${format}' (type '${event.type}')`);
    let data: string | Uint8Array;
    try {
      data = codec.encode(definition?.encode ? definition.encode(event.data) : event.data, event.type);
    } catch (error) {
      throw new SerializationError(`${field}.data`, `Event data cannot be serialized as ${format}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let compression: string | null = null;
    if (this.compression) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      if (bytes.byteLength >= this.compression.threshold) {
        const compressed = this.compression.compressor.compress(bytes);
        if (compressed.byteLength < bytes.byteLength) {
          data = compressed;
          compression = this.compression.compressor.name;
        }
      }
    }
    let metadata: string | null = null;
    if (event.metadata !== undefined) {
      try {
        metadata = JSON.stringify(event.metadata);
      } catch (error) {
        throw new SerializationError(
          `${field}.metadata`,
          `Event metadata cannot be serialized as JSON: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      if (metadata === '{}') metadata = null;
    }
    return {
      id: event.id,
      type: event.type,
      schemaVersion: definition?.schemaVersion ?? 1,
      format,
      compression,
      data,
      metadata,
      timestamp: event.timestamp ? event.timestamp.getTime() : Date.now(),
    };
  }

  /**
   * Decodes a stored payload by its envelope, applies upcasters up to the type's current schema version and its
   * decoder or class. An unknown type is returned as plain data.
   */
  decode(
    event: Pick<EncodedEvent, 'type' | 'format' | 'compression' | 'data' | 'metadata' | 'schemaVersion' | 'id'>,
  ): DecodedPayload {
    const codec = this.codecs.get(event.format);
    if (!codec) {
      throw new SerializationError(
        'format',
        `Event '${event.id}' is stored as '${event.format}', and no codec for it is registered`,
      );
    }
    let payload = event.data;
    if (event.compression) {
      const compressor = this.compressors.get(event.compression);
      if (!compressor) {
        throw new SerializationError(
          'compression',
          `Event '${event.id}' is compressed with '${event.compression}', and no such compressor is registered`,
        );
      }
      payload = compressor.decompress(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload);
    }
    let data: unknown;
    try {
      data = codec.decode(payload, event.type);
    } catch (error) {
      throw new SerializationError(
        'data',
        `Event '${event.id}' cannot be decoded as ${event.format}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const definition = this.registry.get(event.type);
    if (definition) {
      let version = event.schemaVersion;
      const target = definition.schemaVersion ?? 1;
      while (version < target) {
        const upcast = definition.upcasters?.[version];
        if (!upcast) break;
        data = upcast(data);
        version++;
      }
      if (definition.decode) data = definition.decode(data);
      else if (definition.class && data !== null && typeof data === 'object') {
        data = Object.setPrototypeOf(data, definition.class.prototype);
      }
    }
    const metadata = event.metadata === null ? {} : (JSON.parse(event.metadata) as Record<string, unknown>);
    return { data, metadata };
  }
}
