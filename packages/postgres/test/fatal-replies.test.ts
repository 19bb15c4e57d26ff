/**
 * The socket guard's reading of the server's messages (no server): a FATAL ErrorResponse is found however the bytes
 * are split into chunks, everything before it passes unchanged, and nothing else is held back or altered. And the
 * first write of a socket keeps only the start-up packet at its end when a dead connection's bytes precede it.
 */
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { FatalReplies } from '../src/fatal-replies.js';
import { trailingFirstPacket } from '../src/startup-check.js';

/** One backend message: type, length, body. */
function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** An ErrorResponse with these fields. */
function errorResponse(fields: Record<string, string>): Buffer {
  const parts = Object.entries(fields).map(([code, value]) => Buffer.from(`${code}${value}\0`, 'utf8'));
  return message('E', Buffer.concat([...parts, Buffer.from([0])]));
}

const dataRow = (text: string) => {
  const value = Buffer.from(text);
  const body = Buffer.alloc(2 + 4 + value.length);
  body.writeUInt16BE(1, 0);
  body.writeUInt32BE(value.length, 2);
  value.copy(body, 6);
  return message('D', body);
};
const commandComplete = message('C', Buffer.from('SELECT 1\0'));
const readyForQuery = message('Z', Buffer.from('I'));
const statementError = errorResponse({ S: 'ERROR', V: 'ERROR', C: '22012', M: 'division by zero' });
const terminated = errorResponse({
  S: 'FATAL',
  V: 'FATAL',
  C: '57P01',
  M: 'terminating connection due to administrator command',
  F: 'postgres.c',
  R: 'ProcessInterrupts',
});

/** Feeds `bytes` to a scanner in chunks cut at `cuts`; returns what passed and the FATAL error found, if any. */
function feed(bytes: Buffer, cuts: number[]): { passed: Buffer; fatal: Error | undefined } {
  const replies = new FatalReplies();
  const passed: Buffer[] = [];
  let fatal: Error | undefined;
  let start = 0;
  for (const end of [...cuts, bytes.length]) {
    const scanned = replies.scan(bytes.subarray(start, end));
    passed.push(scanned.pass);
    start = end;
    if (scanned.fatal) {
      fatal = scanned.fatal;
      break;
    }
  }
  return { passed: Buffer.concat(passed), fatal };
}

/** Every way of cutting `bytes` once, and byte by byte. */
function cuttings(bytes: Buffer): number[][] {
  const once = Array.from({ length: bytes.length - 1 }, (_, i) => [i + 1]);
  return [[], ...once, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)];
}

describe('FatalReplies', () => {
  const before = Buffer.concat([dataRow('a'.repeat(300)), commandComplete, readyForQuery, statementError, readyForQuery]);

  it('finds a FATAL reply however the stream is cut, and passes exactly the bytes before it', () => {
    const stream = Buffer.concat([before, dataRow('b'), terminated]);
    for (const cuts of cuttings(stream)) {
      const { passed, fatal } = feed(stream, cuts);
      expect(passed.equals(stream.subarray(0, stream.length - terminated.length))).toBe(true);
      expect(fatal).toBeInstanceOf(postgres.PostgresError);
      expect(fatal).toMatchObject({
        code: '57P01',
        severity: 'FATAL',
        message: 'terminating connection due to administrator command',
        routine: 'ProcessInterrupts',
      });
    }
  });

  it('passes a stream without a FATAL reply unchanged (errors of statements included), holding back nothing at its end', () => {
    for (const cuts of cuttings(before)) {
      const { passed, fatal } = feed(before, cuts);
      expect(fatal).toBeUndefined();
      expect(passed.equals(before)).toBe(true);
    }
  });
});

describe('trailingFirstPacket', () => {
  const startup = (() => {
    const body = Buffer.from('user\0postgres\0database\0test\0\0');
    const packet = Buffer.alloc(8 + body.length);
    packet.writeUInt32BE(packet.length, 0);
    packet.writeUInt32BE(196608, 4);
    body.copy(packet, 8);
    return packet;
  })();
  const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
  const staleQuery = Buffer.concat([
    message('B', Buffer.from('\0s1\0\0\0\0\0\0\0')),
    message('E', Buffer.from('\0\0\0\0\0')),
    message('S', Buffer.alloc(0)),
  ]);

  it('leaves a first write of one packet, or one that is not the protocol, as it is', () => {
    expect(trailingFirstPacket(startup)).toBeUndefined();
    expect(trailingFirstPacket(sslRequest)).toBeUndefined();
    expect(trailingFirstPacket(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10, ...startup]))).toBeUndefined(); // TLS
  });

  it("keeps only the start-up packet at the end of a dead connection's bytes", () => {
    expect(trailingFirstPacket(Buffer.concat([staleQuery, startup, startup]))?.equals(startup)).toBe(true);
    expect(trailingFirstPacket(Buffer.concat([startup, startup]))?.equals(startup)).toBe(true);
    expect(trailingFirstPacket(Buffer.concat([staleQuery, sslRequest]))?.equals(sslRequest)).toBe(true);
  });
});
