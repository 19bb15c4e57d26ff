/**
 * The start-up check of owned connections (server-backed cases are in connection-errors.test.ts): what a PostgreSQL
 * server sends passes, in any chunking and after an SSL answer; anything else fails the connection.
 */
import { describe, expect, it } from 'vitest';
import { NOT_POSTGRESQL, StartupCheck, UNSUPPORTED_AUTH } from '../src/startup-check.js';

/** A backend message: type byte, int32 length, body. */
function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
};

/** A plain start-up: AuthenticationOk, a ParameterStatus, BackendKeyData, ReadyForQuery. */
const STARTUP = Buffer.concat([
  message('R', int32(0)),
  message('S', Buffer.from('server_version\u000015.0\u0000')),
  message('K', Buffer.alloc(8)),
  message('Z', Buffer.from('I')),
]);

describe('postgres: StartupCheck', () => {
  it('accepts a start-up in one chunk or byte by byte, then stops looking', () => {
    const whole = new StartupCheck('h:1', false);
    expect(whole.check(STARTUP)).toBeUndefined();
    expect(whole.done).toBe(true);
    const bytes = new StartupCheck('h:1', false);
    for (const byte of STARTUP) expect(bytes.check(Buffer.from([byte]))).toBeUndefined();
    expect(bytes.done).toBe(true);
    expect(bytes.endedByServer()).toBeUndefined();
  });

  it("after an SSL 'S' stops looking (TLS follows); after an SSL 'N' checks the plain start-up", () => {
    const accepted = new StartupCheck('h:1', true);
    expect(accepted.check(Buffer.from('S'))).toBeUndefined();
    expect(accepted.done).toBe(true);
    const refused = new StartupCheck('h:1', true);
    expect(refused.check(Buffer.from('N'))).toBeUndefined();
    expect(refused.done).toBe(false);
    expect((refused.check(Buffer.from('HTTP/1.1 400')) as { code?: string }).code).toBe(NOT_POSTGRESQL);
  });

  it('refuses text, huge lengths and an SSL answer with more behind it', () => {
    for (const [ssl, data] of [
      [false, 'HTTP/1.1 400 Bad Request\r\n'],
      [false, 'SSH-2.0-OpenSSH_9.6\r\n'],
      [true, 'SSH-2.0-OpenSSH_9.6\r\n'],
    ] as const) {
      const error = new StartupCheck('h:1', ssl).check(Buffer.from(data));
      expect((error as { code?: string }).code, data).toBe(NOT_POSTGRESQL);
      expect(error?.message).toContain('h:1');
    }
  });

  it('an authentication method postgres.js lacks, and an end before ReadyForQuery without an error, are errors', () => {
    expect((new StartupCheck('h:1', false).check(message('R', int32(7))) as { code?: string }).code).toBe(UNSUPPORTED_AUTH);
    const ended = new StartupCheck('h:1', false);
    ended.check(message('R', int32(10)).subarray(0, 7));
    expect(ended.endedByServer()).toBeInstanceOf(Error);
    const refused = new StartupCheck('h:1', false);
    refused.check(message('E', Buffer.from('SFATAL\u0000\u0000')));
    expect(refused.endedByServer()).toBeUndefined();
  });
});

describe('postgres start-up check: CancelRequest connections', () => {
  it('a connection that sent a CancelRequest may be closed by the server without an answer; a start-up may not', () => {
    const cancel = Buffer.concat([int32(16), int32(80877102), int32(4242), int32(7)]);
    const cancelling = new StartupCheck('127.0.0.1:5432', false);
    cancelling.sent(cancel);
    expect(cancelling.endedByServer()).toBeUndefined();
    const starting = new StartupCheck('127.0.0.1:5432', false);
    starting.sent(Buffer.concat([int32(8), int32(196608)]));
    expect(starting.endedByServer()).toMatchObject({ code: 'STREAMSTORE_CLOSED_IN_STARTUP' });
  });
});
