// The backends a soak run can use, as their packages describe them (`<package>/descriptor`, found by the command's
// discovery): each one is checked for reachability, opened on a scratch namespace of its own (a temporary file,
// schema, keyspace or key prefix) and removed afterwards. Runs on the built dists.
import { connect } from 'node:net';
import { discoverBackends } from '@streamstore/cli';

const descriptors = await discoverBackends();
// Embedded backends first (nothing to reach), then the servers, each group by name.
descriptors.sort((a, b) => Number(Boolean(a.testServer?.address)) - Number(Boolean(b.testServer?.address)));

/** Backends in the order a run visits them. */
export const BACKEND_NAMES = descriptors.map((descriptor) => descriptor.name);

/** True when something accepts TCP connections on `host`:`port` within 2 s. */
function listens({ host, port }) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true)).once('error', () => done(false));
  });
}

/**
 * Prepares backend `name` on a scratch namespace: `{ describe, create, cleanup }` (`create()` builds the storage when
 * its turn comes, so nothing of one backend stays referenced during the next), or `{ skipped: reason }` when its
 * server does not answer.
 */
export async function openBackend(name) {
  const descriptor = descriptors.find((candidate) => candidate.name === name);
  if (!descriptor?.testServer) throw new Error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
  const { address } = descriptor.testServer;
  if (address && !(await listens(address))) {
    return { skipped: `nothing listens on ${address.host}:${address.port} (${descriptor.testServer.url ?? name})` };
  }
  const scratch = await descriptor.testServer.scratch();
  return { create: () => scratch.storage(), describe: scratch.describe, cleanup: () => scratch.cleanup() };
}
