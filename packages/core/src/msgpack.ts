/**
 * `@streamstore/core/msgpack`: the MessagePack codec. Its library, `msgpackr`, is an optional peer dependency of the
 * core, so an application that stores JSON installs nothing for it: `npm install msgpackr` to use this entry point.
 * @example
 * import { msgpackCodec } from '@streamstore/core/msgpack';
 * const store = await createStreamStore({ storage, serialization: { codecs: [msgpackCodec()], defaultFormat: 'msgpack' } });
 */
export { msgpackCodec } from './serialization/msgpack-codec.js';
