import { LazyDigestEvent } from '../encoded-event.js';
import { SerializationError } from '../errors.js';
import type { EncodedEvent } from '../storage-spi.js';
import type { PayloadCodec, PayloadCompressor } from './codec.js';
import { brotliCompressor, gzipCompressor } from './compression.js';
import { jsonCodec } from './json-codec.js';
import { type EventTypeDefinition, TypeRegistry } from './type-registry.js';

/** What a read does with an event it cannot decode: throw (`stop`, the default), leave it out (`skip`), or return it raw. */
export type DecodeErrorPolicy = 'stop' | 'skip' | 'raw';

/** Serialization settings of a store. */
export interface SerializationOptions {
  /** Type names <-> classes/decoders, schema versions and upcasters. */
  registry?: TypeRegistry;
  /** Format of new events unless their type says otherwise (default `json`). */
  defaultFormat?: string;
  /**
   * Extra codecs: `msgpackCodec()` from `@streamstore/core/msgpack`, `protobufCodec({...})` from
   * `@streamstore/core/protobuf`, your own. JSON is always available.
   */
  codecs?: PayloadCodec[];
  /** Extra compressors. gzip (`gzip`) and Brotli (`br`) are always available for reading. */
  compressors?: PayloadCompressor[];
  /** Compress payloads of at least `threshold` bytes with the named compressor (only when it makes them smaller). */
  compression?: { name: string; threshold: number };
  /** Default for reads of events that cannot be decoded (default `stop`). */
  onDecodeError?: DecodeErrorPolicy;
}

/** The decoded part of a stored event. */
export interface DecodedPayload {
  data: unknown;
  metadata: Record<string, unknown>;
  /** The schema version `data` is at (after upcasting). */
  schemaVersion: number;
}

/** Where the codec of one of our formats comes from, for messages. */
const CODEC_ENTRY_POINTS: Record<string, string> = {
  msgpack: `: add msgpackCodec() from '@streamstore/core/msgpack' to serialization.codecs (npm install msgpackr)`,
  protobuf: `: add protobufCodec({...}) from '@streamstore/core/protobuf' to serialization.codecs (npm install @bufbuild/protobuf)`,
};

function codecHint(format: string): string {
  return CODEC_ENTRY_POINTS[format] ?? '';
}

type Compression = { compressor: PayloadCompressor; threshold: number } | undefined;

/**
 * Encodes events into self-describing envelopes (format, compression, type, schema version) and decodes them by
 * their envelope, never by the current settings, so events written with another format stay readable.
 */
export class EventSerializer {
  readonly registry: TypeRegistry;
  readonly onDecodeError: DecodeErrorPolicy;
  private readonly codecs = new Map<string, PayloadCodec>();
  private readonly compressors = new Map<string, PayloadCompressor>();
  private readonly defaultFormat: string;
  private readonly compression: Compression;

  constructor(options: SerializationOptions = {}) {
    this.registry = options.registry ?? new TypeRegistry();
    this.onDecodeError = options.onDecodeError ?? 'stop';
    // JSON is built in; binary formats are opt-in entry points, so a JSON application installs none of their libraries.
    this.codecs.set(jsonCodec.format, jsonCodec);
    for (const codec of options.codecs ?? []) this.codecs.set(codec.format, codec);
    for (const compressor of [gzipCompressor(), brotliCompressor(), ...(options.compressors ?? [])]) {
      this.compressors.set(compressor.name, compressor);
    }
    this.defaultFormat = options.defaultFormat ?? 'json';
    if (!this.codecs.has(this.defaultFormat)) {
      throw new SerializationError(
        'defaultFormat',
        `No codec is registered for format '${this.defaultFormat}'${codecHint(this.defaultFormat)}`,
      );
    }
    this.compression = this.resolveCompression(options.compression);
  }

  private resolveCompression(setting: { name: string; threshold: number } | false | undefined): Compression {
    if (!setting) return undefined;
    const compressor = this.compressors.get(setting.name);
    if (!compressor) throw new SerializationError('compression', `No compressor is registered as '${setting.name}'`);
    if (!Number.isSafeInteger(setting.threshold) || setting.threshold < 0) {
      throw new SerializationError('compression.threshold', 'The compression threshold must be an integer >= 0 (bytes)');
    }
    return { compressor, threshold: setting.threshold };
  }

  /** The type name of an event: its `type`, or the registered name of its data's class. */
  resolveType(type: string | undefined, data: unknown): string | undefined {
    return type ?? this.registry.typeOf(data);
  }

  /** Encodes one event's payload and metadata. Throws `SerializationError` naming `field`. */
  encode(
    field: string,
    event: { id: string; type: string; data: unknown; metadata?: object | undefined; timestamp?: Date | undefined },
    now = Date.now(),
  ): EncodedEvent {
    const definition = this.registry.get(event.type);
    const format = definition?.format ?? this.defaultFormat;
    const codec = this.codecs.get(format);
    if (!codec) {
      throw new SerializationError(
        field,
        `No codec is registered for format '${format}' (type '${event.type}')${codecHint(format)}`,
      );
    }
    let schemaVersion = 1;
    let data: string | Uint8Array;
    try {
      let value = definition?.encode ? definition.encode(event.data) : event.data;
      if (definition) ({ value, version: schemaVersion } = downcast(definition, value));
      data = codec.encode(value, event.type);
    } catch (error) {
      throw new SerializationError(`${field}.data`, `Event data cannot be serialized as ${format}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let compression: string | null = null;
    const compress = definition?.compression === undefined ? this.compression : this.resolveCompression(definition.compression);
    if (compress) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      if (bytes.byteLength >= compress.threshold) {
        const compressed = compress.compressor.compress(bytes);
        if (compressed.byteLength < bytes.byteLength) {
          data = compressed;
          compression = compress.compressor.name;
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
    return new LazyDigestEvent({
      id: event.id,
      type: event.type,
      schemaVersion,
      format,
      compression,
      data,
      metadata,
      timestamp: event.timestamp ? event.timestamp.getTime() : now,
    });
  }

  /**
   * Decodes a stored payload by its envelope, applies upcasters up to the type's current schema version and its
   * decoder or class. An unknown type, or a version the registry cannot upcast, is returned as plain data at its
   * stored version. Throws `SerializationError` for corrupt or undecodable payloads.
   */
  decode(
    event: Pick<EncodedEvent, 'type' | 'format' | 'compression' | 'data' | 'metadata' | 'schemaVersion' | 'id'>,
  ): DecodedPayload {
    const codec = this.codecs.get(event.format);
    if (!codec)
      throw new SerializationError('format', `Format '${event.format}' has no registered codec${codecHint(event.format)}`);
    let payload = event.data;
    if (event.compression) {
      const compressor = this.compressors.get(event.compression);
      if (!compressor)
        throw new SerializationError('compression', `Compression '${event.compression}' has no registered compressor`);
      try {
        payload = compressor.decompress(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload);
      } catch (error) {
        throw new SerializationError(
          'data',
          `Payload cannot be decompressed (${event.compression}): ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
    let data: unknown;
    try {
      data = codec.decode(payload, event.type);
    } catch (error) {
      throw new SerializationError('data', `Payload cannot be decoded as ${event.format}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let schemaVersion = event.schemaVersion;
    const definition = this.registry.get(event.type);
    if (definition) {
      const target = definition.schemaVersion ?? 1;
      while (schemaVersion < target) {
        const upcast = definition.upcasters?.[schemaVersion];
        if (!upcast) break;
        try {
          data = upcast(data);
        } catch (error) {
          throw new SerializationError('data', `Upcaster from version ${schemaVersion} threw: ${(error as Error).message}`, {
            cause: error,
          });
        }
        schemaVersion++;
      }
      // Only data at the version the application knows becomes its class; anything else stays raw.
      if (schemaVersion === target) {
        if (definition.decode) data = definition.decode(data);
        else if (definition.class && data !== null && typeof data === 'object') {
          data = Object.setPrototypeOf(data, definition.class.prototype);
        }
      }
    }
    let metadata: Record<string, unknown> = {};
    if (event.metadata !== null) {
      try {
        metadata = JSON.parse(event.metadata) as Record<string, unknown>;
      } catch (error) {
        throw new SerializationError('metadata', `Metadata is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    }
    return { data, metadata, schemaVersion };
  }
}

function downcast(definition: EventTypeDefinition, value: unknown): { value: unknown; version: number } {
  let version = definition.schemaVersion ?? 1;
  const write = definition.writeVersion ?? version;
  while (version > write) {
    // The registry checked at registration that every step down to writeVersion has a downcaster.
    const step = definition.downcasters?.[version] as (data: unknown) => unknown;
    value = step(value);
    version--;
  }
  return { value, version };
}
