import { connect, type Socket } from 'node:net';
import { FatalReplies } from './fatal-replies.js';
import { StartupCheck, trailingFirstPacket } from './startup-check.js';

/** The parts of postgres.js's parsed options a socket needs. */
interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
  ssl?: unknown;
  sslnegotiation?: string | null;
}

/** How long a reset waits for the driver to see its sockets closed. */
const CLOSE_WAIT_MS = 1000;

interface Tracked {
  lastReceivedAt: number;
  closed: Promise<void>;
}

/**
 * Opens the sockets of a postgres.js client the storage owns, working around three gaps of postgres.js 3.4.9:
 *
 * - On a socket error (ECONNRESET) the driver rejects the calls in flight, but it takes the connection out of its pool
 *   queues only on the socket's `close` event, a little later. Calls sent in between (a caller retrying at once) are
 *   queued on the dead connection, and a `close` with `hadError` set forgets them: they never settle, and the next
 *   connect makes one of them the statement it waits for, so with `max: 1` every later call waits forever. The guard
 *   reports that `close` to the driver as a plain close, on which the driver rejects everything still queued on it.
 *   (The event keeps its time: closing earlier would cancel a write the driver scheduled and break the connection.)
 * - A connection that stops answering (a lost peer, or any other wedge) holds its calls until TCP gives up, many
 *   minutes later. The storage gives every call a deadline; when one passes, `resetSilentSince` destroys the sockets
 *   that received nothing since that call began, and the driver reconnects.
 * - Until its first ReadyForQuery, what the server sends is checked by a {@link StartupCheck}: a server that is not
 *   PostgreSQL, that closes the connection mid-start-up, or that asks for an authentication method the driver lacks
 *   fails the connection with an error (the driver rejects the waiting calls with it) instead of hanging or printing.
 *
 * And two ways in which the driver carries a dead connection over to its next one (plain-text connections):
 *
 * - A FATAL reply (a terminated backend, a shutdown, an idle timeout) that arrives while a statement is in flight is
 *   kept by the driver until a ReadyForQuery, which only the next connection sends: that connection's first call then
 *   fails with the old reply. The guard takes such a reply out of the stream ({@link FatalReplies}) and, when the
 *   socket closes, hands the driver that error (it rejects the calls on the connection with it) and the close.
 * - When a socket closes while the driver has a write scheduled (its bytes wait for a setImmediate), the driver
 *   cancels the write but keeps its timer and bytes, and so never writes again: each later connection opens and sends
 *   nothing, not even its start-up message, until its connect timeout, again and again until the bytes kept pass
 *   1 KiB and go out, the dead connection's bytes first. The guard closes a connection at once when the driver has
 *   written nothing on it by the time its first write was due (the driver reconnects its waiting call at once), and
 *   writes only the start-up packet at the end of a first write that holds more than that.
 */
export class SocketGuard {
  private readonly sockets = new Map<Socket, Tracked>();
  private next = 0;

  /** postgres.js's `socket` option. */
  readonly open = (options: SocketTarget): Socket => {
    const index = this.next++ % Math.max(1, options.host.length);
    const host = options.host[index] ?? options.host[0];
    const port = options.port[index] ?? options.port[0] ?? 5432;
    const socket = options.path ? connect(options.path) : connect(port, host);
    // postgres.js names host and port in its connection errors from these.
    Object.assign(socket, { host, port });
    const startup = new StartupCheck(options.path || `${host}:${port}`, Boolean(options.ssl));
    const replies = new FatalReplies();
    let fatal: Error | undefined;
    let wrote = false;
    let markClosed: () => void = () => {};
    const tracked: Tracked = {
      lastReceivedAt: performance.now(),
      closed: new Promise((resolve) => {
        markClosed = resolve;
      }),
    };
    this.sockets.set(socket, tracked);
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    // Only the first write can be a CancelRequest, or hold a dead connection's bytes; afterwards the socket writes as usual.
    socket.write = ((...args: unknown[]) => {
      wrote = true;
      socket.write = write as Socket['write'];
      const packet = Buffer.isBuffer(args[0]) ? trailingFirstPacket(args[0]) : undefined;
      if (packet) args[0] = packet;
      startup.sent(args[0]);
      return write(...args);
    }) as Socket['write'];
    // The driver writes its start-up message at its first setImmediate after opening the socket (TLS negotiated
    // directly aside, which waits for the connection). A timer, then a setImmediate queued behind the driver's, sees
    // whether it did.
    if (options.sslnegotiation !== 'direct') {
      setTimeout(() => setImmediate(() => wrote || socket.destroy()), 1).unref();
    }
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    let failed = false;
    // Fails the connection the way a socket error does, so the driver rejects the calls waiting for it.
    const fail = (error: Error): boolean => {
      if (socket.listenerCount('error') > 0) socket.emit('error', error);
      socket.destroy();
      return true;
    };
    socket.emit = (event: string | symbol, ...args: unknown[]): boolean => {
      if (event === 'data') {
        tracked.lastReceivedAt = performance.now();
        if (fatal) return true;
        if (startup.done && startup.plaintext) {
          const scanned = replies.scan(args[0] as Buffer);
          if (scanned.pass.length > 0) emit('data', scanned.pass);
          if (scanned.fatal) {
            fatal = scanned.fatal;
            socket.destroy(); // the driver gets the error with the close, when the socket has closed
          }
          return true;
        }
        const problem = startup.done ? undefined : startup.check(args[0] as Buffer);
        if (problem) return fail(problem); // never handed to the driver, which would print it
      } else if (event === 'end') {
        const problem = startup.endedByServer();
        if (problem) return fail(problem);
      } else if (event === 'error') failed = true;
      else if (event === 'close') {
        this.sockets.delete(socket);
        markClosed();
        if (fatal && socket.listenerCount('error') > 0) emit('error', fatal);
        if (failed || fatal) return emit('close', false);
      }
      return emit(event, ...args);
    };
    return socket;
  };

  /**
   * Destroys every socket that received nothing since `startedAt` (a `performance.now()` time); resolves once the
   * driver has seen them closed (at most a second), so a call made afterwards is not sent on one of them.
   */
  async resetSilentSince(startedAt: number): Promise<number> {
    const silent = [...this.sockets].filter(([, tracked]) => tracked.lastReceivedAt <= startedAt);
    for (const [socket] of silent) socket.destroy();
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
    });
    await Promise.race([Promise.all(silent.map(([, tracked]) => tracked.closed)), giveUp]);
    clearTimeout(timer);
    return silent.length;
  }
}
