/**
 * A TCP proxy between a backend's client and its server that makes the faults a storage must survive: a reply lost
 * after the server acted (a commit whose outcome the client never learns), a peer that goes silent without a reset,
 * and a blackout in which new connections are refused.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** Which reply {@link FaultProxy.loseNextReply} loses. */
export interface LoseReplyOptions {
  /**
   * Lose the reply to the next request whose bytes contain this text (e.g. `PUT /bucket/prefix/`); absent: the next
   * reply on any connection.
   */
  afterRequestContaining?: string;
  /** From then on, refuse new connections until {@link FaultProxy.heal} (a server gone for a while). */
  blackout?: boolean;
}

/**
 * A proxy on a free port of 127.0.0.1 forwarding to `127.0.0.1:<targetPort>`. Point the storage at {@link port} and
 * arm a fault; a lost reply also cuts its connection, so the client sees the server vanish mid-answer.
 * @example const proxy = await FaultProxy.start(5432); proxy.loseNextReply(); // then commit through it
 */
export class FaultProxy {
  /** Replies lost so far. */
  lostReplies = 0;
  /** Connections refused during a blackout. */
  refused = 0;
  private armed: LoseReplyOptions | undefined;
  private refusing = false;
  private readonly frozen = new Set<Socket>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The proxy's port on 127.0.0.1. */
    readonly port: number,
  ) {}

  /** Starts a proxy to `127.0.0.1:<targetPort>`. */
  static async start(targetPort: number): Promise<FaultProxy> {
    const server = createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    const proxy = new FaultProxy(server, port);
    server.on('connection', (client) => proxy.pipe(client, targetPort));
    return proxy;
  }

  /** The next reply (see {@link LoseReplyOptions}) is dropped and its connection cut: the server has acted on it. */
  loseNextReply(options: LoseReplyOptions = {}): void {
    this.armed = { ...options };
  }

  /**
   * The connections open now go silent both ways and stay open: what a client sees of a peer that vanished without a
   * reset. Connections opened later pass.
   */
  freeze(): void {
    for (const socket of this.sockets) this.frozen.add(socket);
  }

  /** Ends a blackout: new connections pass again. */
  heal(): void {
    this.refusing = false;
  }

  /** Closes every connection and the listening socket. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: Socket, targetPort: number): void {
    if (this.refusing) {
      this.refused++;
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    this.sockets.add(client).add(upstream);
    let loseNextReply = false;
    client.on('data', (chunk: Buffer) => {
      if (this.frozen.has(client)) return;
      const armed = this.armed;
      if (armed?.afterRequestContaining !== undefined && chunk.toString('latin1').includes(armed.afterRequestContaining)) {
        this.trip(armed);
        loseNextReply = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.frozen.has(client)) return;
      const armed = this.armed;
      if (armed && armed.afterRequestContaining === undefined) {
        this.trip(armed);
        loseNextReply = true;
      }
      if (loseNextReply) {
        // The server answers only after it acted: the request took effect, the client never learns it.
        this.lostReplies++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  private trip(armed: LoseReplyOptions): void {
    this.armed = undefined;
    if (armed.blackout) this.refusing = true;
  }
}
