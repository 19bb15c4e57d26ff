#!/usr/bin/env node
// Readiness probe for the local Cassandra: a real CQL handshake with Node built-ins only.
// Sends a native-protocol v4 OPTIONS frame and expects a SUPPORTED (opcode 0x06) response.
// Usage: node cql-ping.mjs [host] [port] [timeoutMs]   -> exit 0 if CQL answers, 1 otherwise.
import net from 'node:net';

const host = process.argv[2] ?? '127.0.0.1';
const port = Number(process.argv[3] ?? 9042);
const timeoutMs = Number(process.argv[4] ?? 2000);

// header: version 0x04 (request), flags 0, stream id 1, opcode OPTIONS 0x05, body length 0
const OPTIONS = Buffer.from([0x04, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00]);

let done = false;
function finish(ok, msg) {
  if (done) return;
  done = true;
  if (msg) (ok ? console.log : console.error)(msg);
  socket.destroy();
  process.exit(ok ? 0 : 1);
}

const socket = net.connect({ host, port });
socket.setTimeout(timeoutMs, () => finish(false, `cql-ping: timeout after ${timeoutMs} ms`));
socket.on('error', (err) => finish(false, `cql-ping: ${err.code ?? err.message}`));
socket.on('connect', () => socket.write(OPTIONS));

let buf = Buffer.alloc(0);
socket.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  if (buf.length < 9) return;
  const version = buf[0];
  const opcode = buf[4];
  const length = buf.readUInt32BE(5);
  if (version !== 0x84) return finish(false, `cql-ping: unexpected response version 0x${version.toString(16)}`);
  if (opcode !== 0x06) return finish(false, `cql-ping: unexpected opcode 0x${opcode.toString(16)} (expected SUPPORTED)`);
  if (buf.length < 9 + length) return;
  // body: [string multimap]; report the CQL_VERSION entry if present
  const body = buf.subarray(9, 9 + length);
  let off = 0;
  const readString = () => {
    const n = body.readUInt16BE(off);
    off += 2;
    const s = body.toString('utf8', off, off + n);
    off += n;
    return s;
  };
  const entries = {};
  const nKeys = body.readUInt16BE(off);
  off += 2;
  for (let i = 0; i < nKeys; i++) {
    const key = readString();
    const nVals = body.readUInt16BE(off);
    off += 2;
    entries[key] = Array.from({ length: nVals }, readString);
  }
  finish(
    true,
    `CQL answers on ${host}:${port} (CQL_VERSION ${(entries.CQL_VERSION ?? []).join(',')}, PROTOCOL_VERSIONS ${(entries.PROTOCOL_VERSIONS ?? []).join(',')})`,
  );
});
