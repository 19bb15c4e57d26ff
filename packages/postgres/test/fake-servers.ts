/**
 * Tiny TCP servers on 127.0.0.1 that are not PostgreSQL (or only pretend to be), for the connection-error tests.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** How a fake server treats a connection. */
export type Behaviour = (socket: Socket) => void;

/** Answers the first bytes with an HTTP 400 and closes, as web servers do with a request they cannot parse. */
export const httpThenClose: Behaviour = (socket) =>
  socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));

/** Answers with an HTTP 400 and keeps the connection open. */
export const httpKeepOpen: Behaviour = (socket) =>
  socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));

/**
 * Answers binary frames with a plausible length and an unknown type byte: postgres.js reads them as messages and
 * prints "Postgres.js : Unknown Message" for each.
 */
export const binaryFrames: Behaviour = (socket) =>
  socket.once('data', () => socket.write(Buffer.from([0x7a, 0, 0, 0, 8, 1, 2, 3, 4, 0x7a, 0, 0, 0, 4])));

/** Accepts and closes at once, saying nothing (a proxy with nothing behind it). */
export const closeAtOnce: Behaviour = (socket) => socket.end();

/** Accepts and never answers. */
export const silent: Behaviour = () => {};

/** Asks for GSSAPI authentication (AuthenticationGSS, type 7), which postgres.js cannot answer. */
export const asksForGss: Behaviour = (socket) =>
  socket.once('data', () => socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 7])));

/** A running fake server. */
export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

/** Starts a server treating every connection with `behaviour`. */
export async function startFakeServer(behaviour: Behaviour): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    behaviour(socket);
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  return {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
