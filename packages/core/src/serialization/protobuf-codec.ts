import { create, type DescMessage, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { PayloadCodec } from './codec.js';

/**
 * Protobuf codec over `@bufbuild/protobuf` (v2) message descriptors registered by event type name. Event data may
 * be a message or its init shape. A type without a registered message is an error on write and on read: a
 * Protobuf payload cannot be decoded without its schema, and guessing would corrupt data.
 * @example protobufCodec({ OrderPlaced: OrderPlacedSchema })
 */
export function protobufCodec(messages: Record<string, DescMessage>): PayloadCodec {
  const schemas = new Map(Object.entries(messages));
  const schemaOf = (type: string): DescMessage => {
    const schema = schemas.get(type);
    if (!schema) throw new TypeError(`no Protobuf message is registered for event type '${type}'`);
    return schema;
  };
  return {
    format: 'protobuf',
    encode(value: unknown, type: string): Uint8Array {
      const schema = schemaOf(type);
      // biome-ignore lint/suspicious/noExplicitAny: init shapes are checked by create() at run time
      return toBinary(schema, create(schema, value as any));
    },
    decode(data: string | Uint8Array, type: string): unknown {
      if (typeof data === 'string') throw new TypeError('a Protobuf payload must be bytes');
      return fromBinary(schemaOf(type), data);
    },
  };
}
