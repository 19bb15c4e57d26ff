/**
 * MessagePack and Protobuf are opt-in entry points (`@streamstore/core/msgpack`, `/protobuf`) whose libraries are
 * optional peers: the root entry point must not load them, and a store meeting a format it has no codec for says
 * where that codec is.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStreamStore, memoryStorage, SerializationError } from '@streamstore/core';
import { msgpackCodec } from '@streamstore/core/msgpack';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every bare module specifier reached from `entry` through relative imports (type-only imports left out). */
function bareImportsOf(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, typeOnly, specifier] of text.matchAll(
      /^(?:import|export)\s+(type\s+)?(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*\{[^}]*\})?)\s+from\s+'([^']+)'/gm,
    )) {
      if (typeOnly || specifier === undefined) continue;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else bare.add(specifier);
    }
  };
  visit(join(SRC, entry));
  return bare;
}

describe('core: optional codecs', () => {
  it('the root entry point loads neither msgpackr nor @bufbuild/protobuf', () => {
    const bare = bareImportsOf('index.ts');
    expect([...bare].filter((name) => !name.startsWith('node:'))).toEqual([]);
    expect(bareImportsOf('msgpack.ts')).toContain('msgpackr');
    expect(bareImportsOf('protobuf.ts')).toContain('@bufbuild/protobuf');
  });

  it('reading a MessagePack event without its codec is a SerializationError naming the entry point', async () => {
    const storage = memoryStorage();
    const writer = await createStreamStore({ storage, serialization: { codecs: [msgpackCodec()], defaultFormat: 'msgpack' } });
    await writer.append('s', 'no-stream', [{ id: 'e1', type: 'T', data: { a: 1 } }]);
    const reader = await createStreamStore({ storage });
    const read = async () => {
      for await (const _ of reader.read('s'));
    };
    await expect(read()).rejects.toThrow(SerializationError);
    await expect(read()).rejects.toThrow("'@streamstore/core/msgpack'");
    await expect(createStreamStore({ storage, serialization: { defaultFormat: 'protobuf' } })).rejects.toThrow(
      "'@streamstore/core/protobuf'",
    );
  });
});
