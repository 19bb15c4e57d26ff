/**
 * A TCP proxy between a client and PostgreSQL that can lose the server's next reply and cut the connection: the
 * statement has run (and committed), but the client never learns it — a commit with an unknown outcome.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class CutProxy {
  private armed = false;
  private readonly frozen = new Set<Socket>();
  private readonly sockets = new Set<Socket>();
  /** Replies swallowed so far. */
  cuts = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<CutProxy> {
    let proxy: CutProxy | undefined;
    const server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
      const self = proxy as CutProxy;
      self.sockets.add(client).add(upstream);
      client.on('data', (chunk) => {
        if (!self.frozen.has(client)) upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (self.frozen.has(client)) return;
        if (self.armed) {
          self.armed = false;
          self.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
        self.sockets.delete(client);
        self.sockets.delete(upstream);
      };
      client.on('close', close).on('error', close);
      upstream.on('close', close).on('error', close);
    });
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    proxy = new CutProxy(server, port);
    return proxy;
  }

  /** The next reply from the server is dropped and the connection cut. */
  arm(): void {
    this.armed = true;
  }

  /**
   * The connections open now go silent both ways and stay open: what a client sees of a peer that vanished without a
   * reset. Connections opened later pass.
   */
  freeze(): void {
    for (const socket of this.sockets) this.frozen.add(socket);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
