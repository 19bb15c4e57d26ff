// Serialization micro-benchmark: µs and bytes per event to serialize and deserialize a typical ~300-byte domain
// event through the store's serializer (envelope, codec, compression, metadata), for each format, with and
// without compression. Usage: npm run bench:serialization [-- --json]
import { EventSerializer } from '@streamstore/core';
import { msgpackCodec } from '@streamstore/core/msgpack';
import { protobufCodec } from '@streamstore/core/protobuf';
import { OrderPlacedSchema, sampleOrderPlaced } from './order-proto.mjs';

const json = process.argv.includes('--json');
const ITERATIONS = 100_000;
const codecs = [msgpackCodec(), protobufCodec({ OrderPlaced: OrderPlacedSchema })];

function measure(format, compression) {
  const serializer = new EventSerializer({
    codecs,
    defaultFormat: format,
    compression: compression && { name: compression, threshold: 0 },
  });
  const events = Array.from({ length: 1000 }, (_, i) => ({
    id: `evt-${i}`,
    type: 'OrderPlaced',
    data: sampleOrderPlaced(i),
    metadata: { user: 'u1' },
  }));
  const encoded = events.map((e, i) => serializer.encode(`events[${i}]`, e));
  const bytes =
    encoded.reduce((sum, e) => sum + (typeof e.data === 'string' ? Buffer.byteLength(e.data) : e.data.byteLength), 0) /
    encoded.length;
  // Warm up, then time.
  for (let i = 0; i < 20_000; i++) serializer.decode(encoded[i % 1000]);
  let start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) serializer.encode('e', events[i % 1000]);
  const serializeUs = Number(process.hrtime.bigint() - start) / 1e3 / ITERATIONS;
  start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) serializer.decode(encoded[i % 1000]);
  const deserializeUs = Number(process.hrtime.bigint() - start) / 1e3 / ITERATIONS;
  return { format, compression: compression ?? 'none', bytesPerEvent: Math.round(bytes), serializeUs, deserializeUs };
}

const results = [];
for (const format of ['json', 'msgpack', 'protobuf']) {
  for (const compression of [undefined, 'gzip', 'br']) results.push(measure(format, compression));
}
const jsonBytes = Buffer.byteLength(JSON.stringify(sampleOrderPlaced(1)));
if (json) {
  console.log(JSON.stringify({ node: process.version, eventJsonBytes: jsonBytes, results }, null, 2));
} else {
  console.log(
    `Serialization of a ${jsonBytes}-byte (as JSON) OrderPlaced event, ${ITERATIONS} iterations, Node ${process.version}`,
  );
  console.table(
    results.map((r) => ({
      format: r.format,
      compression: r.compression,
      'bytes/event': r.bytesPerEvent,
      'serialize µs': r.serializeUs.toFixed(2),
      'deserialize µs': r.deserializeUs.toFixed(2),
    })),
  );
}
