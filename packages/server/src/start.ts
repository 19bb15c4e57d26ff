/** Starts a server listening: checks the address against the authentication mode and picks or makes the token. */
import { ConfigurationError } from '@streamstore/core';
import type { FastifyInstance } from 'fastify';
import { createServer } from './app.js';
import { generateToken } from './auth.js';
import { isLoopbackAddress } from './loopback.js';
import type { ServerOptions } from './options.js';

/** Options of {@link startServer}. */
export interface StartServerOptions extends Omit<ServerOptions, 'token'> {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 4000; 0 picks a free one). */
  port?: number;
  /** The token to require; generated when absent. */
  token?: string;
  /** Serve without a token: only allowed on a loopback address. */
  noAuth?: boolean;
}

/** A listening server. */
export interface RunningServer {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  /** The token requests need; null without authentication. */
  token: string | null;
  /** Stops accepting requests, ends live tails and waits for requests in flight. Does not close the store. */
  close(): Promise<void>;
}

/**
 * Starts the server. Without a token one is generated (32 random bytes); `noAuth` is refused unless the address is
 * loopback, because anyone who can reach the port could then read every event.
 * @throws ConfigurationError for `noAuth` on a non-loopback address, or a token shorter than 16 characters.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (options.noAuth && !isLoopbackAddress(host)) {
    throw new ConfigurationError(
      `--no-auth is only allowed on a loopback address (127.0.0.1, ::1, localhost), not ${host}: give a --token instead`,
    );
  }
  if (options.token !== undefined && options.token.length < 16) {
    throw new ConfigurationError('The token must be at least 16 characters long');
  }
  const token = options.noAuth ? null : (options.token ?? generateToken());
  const app = await createServer({ ...options, token });
  await app.listen({ host, port: options.port ?? 4000 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shownHost}:${port}`, token, close: () => app.close() };
}
