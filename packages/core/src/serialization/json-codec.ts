import type { PayloadCodec } from './codec.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The default codec: JSON text. Throws on values JSON cannot represent (cycles, BigInt, undefined). */
export const jsonCodec: PayloadCodec = {
  format: 'json',
  encode(value: unknown): string {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`a ${typeof value} value has no JSON representation`);
    return text;
  },
  decode(data: string | Uint8Array): unknown {
    return JSON.parse(typeof data === 'string' ? data : decoder.decode(data));
  },
};
