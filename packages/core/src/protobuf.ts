/**
 * `@streamstore/core/protobuf`: the Protobuf codec. Its library, `@bufbuild/protobuf` (v2), is an optional peer
 * dependency of the core: `npm install @bufbuild/protobuf` to use this entry point.
 * @example
 * import { protobufCodec } from '@streamstore/core/protobuf';
 * const store = await createStreamStore({ storage, serialization: { codecs: [protobufCodec({ OrderPlaced: OrderPlacedSchema })] } });
 */
export { protobufCodec } from './serialization/protobuf-codec.js';
