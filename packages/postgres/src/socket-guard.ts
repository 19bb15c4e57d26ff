import { connect, type Socket } from 'node:net';
import { StartupCheck } from './startup-check.js';

/** The parts of postgres.js's parsed options a socket needs. */
interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
  ssl?: unknown;
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
    let markClosed: () => void = () => {};
    const tracked: Tracked = {
      lastReceivedAt: performance.now(),
      closed: new Promise((resolve) => {
        markClosed = resolve;
      }),
    };
    this.sockets.set(socket, tracked);
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    // Only the first write can be a CancelRequest; afterwards the socket writes as usual.
    socket.write = ((...args: unknown[]) => {
      startup.sent(args[0]);
      socket.write = write as Socket['write'];
      return write(...args);
    }) as Socket['write'];
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
        const problem = startup.done ? undefined : startup.check(args[0] as Buffer);
        if (problem) return fail(problem); // never handed to the driver, which would print it
      } else if (event === 'end') {
        const problem = startup.endedByServer();
        if (problem) return fail(problem);
      } else if (event === 'error') failed = true;
      else if (event === 'close') {
        this.sockets.delete(socket);
        markClosed();
        if (failed) return emit('close', false);
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
