import { Packr } from 'msgpackr';
import type { PayloadCodec } from './codec.js';

/**
 * MessagePack codec (`msgpackr`). Each payload is self-contained (no shared record structures), so any reader
 * decodes it without state. Supports Dates, Maps, Sets, binary and BigInt (as 64-bit integers).
 * @example new EventSerializer({ codecs: [msgpackCodec()], defaultFormat: 'msgpack' })
 */
export function msgpackCodec(): PayloadCodec {
  const packr = new Packr({ useRecords: false, moreTypes: true, int64AsType: 'bigint', mapsAsObjects: true });
  return {
    format: 'msgpack',
    encode(value: unknown): Uint8Array {
      if (value === undefined) throw new TypeError('undefined has no MessagePack representation here');
      return packr.pack(value);
    },
    decode(data: string | Uint8Array): unknown {
      if (typeof data === 'string') throw new TypeError('a MessagePack payload must be bytes');
      return packr.unpack(data);
    },
  };
}
