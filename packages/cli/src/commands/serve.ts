/**
 * `streamstore serve`: the HTTP API and the web stream browser of @streamstore/server over the store the global
 * options name, until Ctrl-C.
 */
import type * as ServerModule from '@streamstore/server';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliIO, println, settingsOf, wholeNumber } from '../cli-io.js';
import { importOptional } from '../optional-package.js';
import { openServedStore } from '../serve/open-served-store.js';

interface ServeFlags {
  host: string;
  port: number;
  token?: string;
  auth: boolean;
  allowWrites?: boolean;
  cors: string[];
  log?: boolean;
}

function origin(value: string, previous: string[]): string[] {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InvalidArgumentError('Expected an origin such as https://admin.example.com.');
  }
  if (parsed.origin === 'null' || parsed.pathname !== '/' || value.endsWith('/')) {
    throw new InvalidArgumentError('Expected an origin (scheme://host[:port]) without a path.');
  }
  return [...previous, parsed.origin];
}

/** Resolves when the process is asked to stop. */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** Adds the `serve` command to `program`. */
export function registerServeCommand(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('serve the JSON API, live tails and the web stream browser over HTTP until Ctrl-C')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 picks a free one)', wholeNumber(0), 4000)
    .option('--token <token>', 'bearer token to require (default: a random one, printed at start)')
    .option('--no-auth', 'serve without a token (loopback addresses only)')
    .option('--allow-writes', 'accept appends (POST /api/stream/events)')
    .option('--cors <origin>', 'allow browser calls from this origin (repeatable; none by default)', origin, [])
    .option('--log', 'log every request to stderr')
    .addHelpText(
      'after',
      '\nExamples:\n  $ streamstore serve --file ./events.db\n  $ streamstore serve --url postgres://localhost/app --port 8080 --token "$TOKEN"\n' +
        '  $ streamstore serve --no-auth --allow-writes',
    )
    .action(async (options: ServeFlags, command: Command) => {
      const settings = settingsOf(command, io);
      const token = options.token ?? io.env.STREAMSTORE_TOKEN;
      // An optional peer (Fastify and its plugins): loaded only by this command.
      const { startServer } = await importOptional<typeof ServerModule>('@streamstore/server', 'streamstore serve');
      const served = await openServedStore(settings, options.allowWrites ? 'write' : 'read');
      try {
        const server = await startServer({
          store: served.store,
          consumers: served.consumers,
          target: served.target,
          host: options.host,
          port: options.port,
          ...(token === undefined || token === '' ? {} : { token }),
          noAuth: !options.auth,
          allowWrites: options.allowWrites ?? false,
          corsOrigins: options.cors,
          logRequests: options.log ?? false,
        });
        const stopped = interrupted();
        println(io, `serving ${served.target} at ${server.url}/`);
        if (server.token === null) println(io, 'authentication off (loopback only)');
        else if (token === undefined || token === '') {
          // A generated token is printed once so the operator can use it; a given one is never echoed to logs.
          println(io, `token: ${server.token}`);
          println(io, `open ${server.url}/#token=${encodeURIComponent(server.token)}`);
        } else println(io, 'token: as given (--token or $STREAMSTORE_TOKEN)');
        println(io, options.allowWrites ? 'writes allowed' : 'read-only (start with --allow-writes to accept appends)');
        await stopped;
        await server.close();
        io.stderr.write('stopped\n');
      } finally {
        await served.close();
      }
    });
}
