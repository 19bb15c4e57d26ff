/** Turns plain event data into a payload of one format and back. One codec per format name. */
export interface PayloadCodec {
  /** The format name recorded in each event's envelope (`json`, `msgpack`, ...). */
  readonly format: string;
  /** Encodes plain data. JSON codecs return a string (kept queryable by SQL backends); binary codecs bytes. */
  encode(value: unknown, type: string): string | Uint8Array;
  /** Decodes a payload written by `encode`. */
  decode(data: string | Uint8Array, type: string): unknown;
}

/** Compresses payload bytes; the name is recorded in the envelope so reading never guesses. */
export interface PayloadCompressor {
  readonly name: string;
  compress(data: Uint8Array): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
}
