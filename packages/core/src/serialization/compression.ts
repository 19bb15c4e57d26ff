import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import type { PayloadCompressor } from './codec.js';

/** gzip from `node:zlib` (level 6 by default). */
export function gzipCompressor(level = 6): PayloadCompressor {
  return {
    name: 'gzip',
    compress: (data) => gzipSync(data, { level }),
    decompress: (data) => gunzipSync(data),
  };
}

/** Brotli from `node:zlib` (quality 4 by default: close to gzip's speed, smaller output). */
export function brotliCompressor(quality = 4): PayloadCompressor {
  return {
    name: 'br',
    compress: (data) => brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: quality } }),
    decompress: (data) => brotliDecompressSync(data),
  };
}
