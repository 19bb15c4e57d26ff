import postgres from 'postgres';

const ERROR_RESPONSE = 0x45; // 'E'

// postgres.js's names of an ErrorResponse's fields (its PostgresError carries them under these names).
const FIELD_NAMES: Record<string, string> = {
  S: 'severity_local',
  V: 'severity',
  C: 'code',
  M: 'message',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internal_position',
  q: 'internal_query',
  W: 'where',
  s: 'schema_name',
  t: 'table_name',
  c: 'column_name',
  d: 'data type_name',
  n: 'constraint_name',
  F: 'file',
  L: 'line',
  R: 'routine',
};

/** The fields of one ErrorResponse message (type byte and length included). */
function errorFields(message: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  let start = 5;
  for (let i = 5; i < message.length - 1; i++) {
    if (message[i] !== 0) continue;
    const name = FIELD_NAMES[String.fromCharCode(message[start] as number)];
    if (name !== undefined) fields[name] = message.toString('utf8', start + 1, i);
    start = i + 1;
  }
  return fields;
}

const PostgresError = postgres.PostgresError as unknown as new (fields: Record<string, string>) => Error;

/** What {@link FatalReplies.scan} found in a chunk: the bytes to hand to the driver, and a FATAL reply after them. */
export interface Scanned {
  pass: Buffer;
  fatal?: Error;
}

/**
 * Follows the messages a server sends after the start-up, to find a FATAL (or PANIC) ErrorResponse: the server's last
 * words before it closes the connection (terminated backend, shutdown, idle timeouts). postgres.js 3.4.9 must not see
 * it while a statement is in flight: it keeps such a reply until the next ReadyForQuery, which only the next connection
 * sends, and then fails that connection's first call with it. Bytes of an ErrorResponse are held back until it is
 * complete; everything else passes at once (message boundaries are followed, contents not read).
 */
export class FatalReplies {
  /** Bytes of the current (non-error) message that are still to come and pass unread. */
  private skip = 0;
  /** The start of a message not yet complete (an ErrorResponse, or a header), held back from the driver. */
  private held: Buffer | undefined;
  /** Set on bytes that are not the protocol's messages: everything passes unread from then on. */
  private lost = false;

  scan(chunk: Buffer): Scanned {
    if (this.lost) return { pass: chunk };
    const data = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = undefined;
    let offset = Math.min(this.skip, data.length);
    this.skip -= offset;
    while (offset < data.length) {
      if (data.length - offset < 5) return this.hold(data, offset);
      const type = data[offset] as number;
      const length = data.readUInt32BE(offset + 1);
      if (length < 4) {
        this.lost = true;
        return { pass: data };
      }
      const end = offset + length + 1;
      if (type !== ERROR_RESPONSE) {
        if (end > data.length) this.skip = end - data.length;
        offset = Math.min(end, data.length);
        continue;
      }
      if (end > data.length) return this.hold(data, offset);
      const fields = errorFields(data.subarray(offset, end));
      const severity = fields.severity ?? fields.severity_local;
      if (severity === 'FATAL' || severity === 'PANIC')
        return { pass: data.subarray(0, offset), fatal: new PostgresError(fields) };
      offset = end;
    }
    return { pass: data };
  }

  private hold(data: Buffer, offset: number): Scanned {
    this.held = Buffer.from(data.subarray(offset));
    return { pass: data.subarray(0, offset) };
  }
}
