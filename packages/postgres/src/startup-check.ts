/** Driver code of a server on the port that does not speak PostgreSQL's protocol. */
export const NOT_POSTGRESQL = 'STREAMSTORE_NOT_POSTGRESQL';
/** Driver code of a connection the server closed before its start-up finished, without saying why. */
export const CLOSED_IN_STARTUP = 'STREAMSTORE_CLOSED_IN_STARTUP';
/** Driver code of an authentication method postgres.js cannot answer (Kerberos, GSSAPI, SSPI, ...). */
export const UNSUPPORTED_AUTH = 'STREAMSTORE_UNSUPPORTED_AUTH';

const R = 0x52;
const E = 0x45;
const N = 0x4e;
const S = 0x53;
const Z = 0x5a;
const TLS_HANDSHAKE = 0x16;

/** What a PostgreSQL server may send before its first ReadyForQuery: R, S, K, Z, E, N, v. */
const STARTUP_TYPES = new Set([R, S, 0x4b, Z, E, N, 0x76]);
/** Authentication requests postgres.js answers: ok, cleartext, MD5, SASL (start, continue, final). */
const SUPPORTED_AUTH = new Set([0, 3, 5, 10, 11, 12]);
const AUTH_NAMES: Record<number, string> = { 2: 'Kerberos V5', 6: 'SCM credentials', 7: 'GSSAPI', 8: 'GSSAPI', 9: 'SSPI' };
/** The code of a CancelRequest (its second 32-bit word; the first is its length, 16). */
const CANCEL_REQUEST_CODE = 80877102;
/** Start-up messages are small; a "length" beyond this is text or binary of another protocol. */
const MAX_STARTUP_MESSAGE = 1 << 20;
/** The codes of what a client sends first: SSLRequest, GSSENCRequest, CancelRequest (protocol 3.x start-ups aside). */
const FIRST_PACKET_CODES = new Set([80877103, 80877104, CANCEL_REQUEST_CODE]);

/** Whether `data` from `offset` to its end is one packet a client opens a connection with. */
function isFirstPacket(data: Buffer, offset: number): boolean {
  const code = data.readUInt32BE(offset + 4);
  return data.readUInt32BE(offset) === data.length - offset && (code >>> 16 === 3 || FIRST_PACKET_CODES.has(code));
}

/**
 * The packet a client opens a connection with, when `data` (the first bytes written on a socket) ends with one and is
 * more than that packet; undefined otherwise. postgres.js 3.4.9 can write a dead connection's buffered bytes ahead of
 * the next connection's start-up message (see SocketGuard).
 */
export function trailingFirstPacket(data: Buffer): Buffer | undefined {
  const first = data[0] as number;
  // Those bytes begin with a message (a letter) or a packet (a length, 0 first); TLS (0x16) and the like pass as sent.
  if (data.length < 8 || (first !== 0 && !(first >= 0x41 && first <= 0x7a)) || isFirstPacket(data, 0)) return undefined;
  for (let offset = data.length - 8; offset > 0; offset--) {
    if (isFirstPacket(data, offset)) return data.subarray(offset);
  }
  return undefined;
}

/** An error shaped like postgres.js's own connection errors (a `code`), naming the server. */
function startupError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The start of what the server sent, printable, for the message. */
function sample(data: Buffer): string {
  const text = data.subarray(0, 24).toString('latin1');
  return JSON.stringify(text.replace(/[^\x20-\x7e]/g, '.')) + (data.length > 24 ? '…' : '');
}

/**
 * Follows the server's messages until its first ReadyForQuery and tells when they cannot come from PostgreSQL.
 * postgres.js 3.4.9 trusts whatever arrives: an HTTP or other server on the port makes it print "Unknown Message"
 * lines at the user, wait for a length it read from text until the connect timeout, or — when that server closes the
 * connection — reconnect forever, so a call never settles. An authentication method it does not implement is
 * printed and then waited on. The check is cheap and ends with the start-up, so it costs nothing afterwards.
 */
export class StartupCheck {
  private pending: Buffer = Buffer.alloc(0);
  private awaitingSslAnswer: boolean;
  private finished = false;
  private refused = false;
  private encrypted = false;

  constructor(
    private readonly server: string,
    ssl: boolean,
  ) {
    this.awaitingSslAnswer = ssl;
  }

  /** Whether the start-up is over (or encrypted, so no longer readable): nothing more to check. */
  get done(): boolean {
    return this.finished;
  }

  /** Whether what the server sends is readable (not TLS). */
  get plaintext(): boolean {
    return !this.encrypted;
  }

  /**
   * Notes what the client sent first: a CancelRequest (postgres.js's `query.cancel()` opens a connection for it) gets
   * no answer, the server just closes the connection, so there is no start-up to check on it.
   */
  sent(chunk: unknown): void {
    if (Buffer.isBuffer(chunk) && chunk.length === 16 && chunk.readUInt32BE(4) === CANCEL_REQUEST_CODE) this.finish();
  }

  /** The error for a connection the server ended now, if its ending needs one (the driver would reconnect). */
  endedByServer(): Error | undefined {
    if (this.finished || this.refused) return undefined;
    return startupError(
      CLOSED_IN_STARTUP,
      `${this.server} closed the connection before the PostgreSQL start-up finished (not a PostgreSQL server, or a proxy with no server behind it)`,
    );
  }

  /** Checks the next chunk received; returns the error to fail the connection with, if any. */
  check(chunk: Buffer): Error | undefined {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = 0;
    if (this.awaitingSslAnswer) {
      this.awaitingSslAnswer = false;
      const first = data[0];
      // TLS from here on ('S', or direct TLS): nothing readable to check.
      if ((first === S && data.length === 1) || first === TLS_HANDSHAKE) {
        this.encrypted = true;
        return this.finish();
      }
      if (first === N && data.length === 1) return undefined; // SSL refused: a plain start-up follows
      if (first !== E) return this.notPostgres(data);
    }
    while (data.length - offset >= 5) {
      const type = data[offset] as number;
      const length = data.readUInt32BE(offset + 1);
      if (!STARTUP_TYPES.has(type) || length < 4 || length > MAX_STARTUP_MESSAGE) return this.notPostgres(data);
      if (type === Z) return this.finish();
      if (type === E) this.refused = true;
      if (type === R) {
        if (data.length - offset < 9) break;
        const method = data.readUInt32BE(offset + 5);
        if (!SUPPORTED_AUTH.has(method)) return this.unsupportedAuth(method);
      }
      if (data.length - offset < length + 1) break;
      offset += length + 1;
    }
    this.pending = Buffer.from(data.subarray(offset));
    return undefined;
  }

  private finish(): undefined {
    this.finished = true;
    this.pending = Buffer.alloc(0);
    return undefined;
  }

  private notPostgres(data: Buffer): Error {
    this.finished = true;
    return startupError(
      NOT_POSTGRESQL,
      `${this.server} does not speak the PostgreSQL protocol (it answered ${sample(data)}): check the host and port`,
    );
  }

  private unsupportedAuth(method: number): Error {
    this.finished = true;
    const name = AUTH_NAMES[method] ?? `method ${method}`;
    return startupError(
      UNSUPPORTED_AUTH,
      `${this.server} asks for ${name} authentication, which postgres.js does not support: allow password (scram-sha-256 or md5) authentication for this user in pg_hba.conf`,
    );
  }
}
