/**
 * Faults on a PRIVATE gateway (its own Ceph cluster, directory and ports, started and stopped by this file; the
 * shared gateway on 7480 is never touched):
 * - the gateway daemon killed mid-run surfaces as StorageUnavailableError; restarted (the OSD keeps the data, so
 *   only radosgw goes down, as in a gateway crash), the store recovers and nothing acknowledged is lost;
 * - a commit whose answer is lost (the PUT landed, the response was cut) and retried with the same event ids is
 *   never duplicated.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createStreamStore, type EventData, StorageUnavailableError, type StreamStore } from '@streamstore/core';
import { s3Storage } from '@streamstore/s3';
import { commitUntilAcknowledged, FaultProxy } from '@streamstore/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../../scripts/test-support/faults.js';

const SCRIPTS = fileURLToPath(new URL('../../../scripts/services/s3/', import.meta.url));
const BUCKET = 'streamstore-test';
const CREDENTIALS = { accessKeyId: 'streamstore-test-key', secretAccessKey: 'streamstore-test-secret' };
const RGW_NAME = 'client.rgw.streamstore';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nobody listens on right now (the kernel's pick). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A second, private Ceph cluster + gateway, through scripts/services/s3/start.sh and stop.sh with their env vars. */
class PrivateGateway {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(): Promise<PrivateGateway> {
    const dir = `/tmp/streamstore-s3-outage-${process.pid}-${randomUUID().slice(0, 8)}`;
    const port = await freePort();
    const monPort = await freePort();
    const env = {
      ...process.env,
      STREAMSTORE_S3_DIR: dir,
      STREAMSTORE_S3_PORT: String(port),
      STREAMSTORE_S3_MON_PORT: String(monPort),
      // Small: this cluster only holds a few hundred commits.
      STREAMSTORE_S3_MEM_BYTES: String(256 * 1024 * 1024),
    };
    const gateway = new PrivateGateway(dir, port, env);
    await gateway.script('start.sh');
    return gateway;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private script(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile('bash', [join(SCRIPTS, name)], { env: this.env, timeout: 170_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${name} failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(),
      );
    });
  }

  /** Stops the whole private cluster and removes its directory (stop.sh with the same env). */
  stop(): Promise<void> {
    return this.script('stop.sh');
  }

  async answers(): Promise<boolean> {
    try {
      await fetch(`${this.endpoint}/`, { signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      return false;
    }
  }

  /** Kills the radosgw daemon alone (SIGKILL: a crash), returning its command line to start it again. */
  async killGateway(): Promise<string[]> {
    const pid = Number(readFileSync(join(this.dir, 'run', `${RGW_NAME}.pid`), 'utf8').trim());
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // Guard against a reused pid: the daemon must be ours (its command line names our ceph.conf).
    expect(argv).toContain(join(this.dir, 'ceph.conf'));
    process.kill(pid, 'SIGKILL');
    while (processAlive(pid)) await sleep(20);
    return argv;
  }

  /** Starts radosgw again with the command line it had (start.sh's), and waits until it answers. */
  async restartGateway(argv: string[]): Promise<void> {
    const log = openSync(join(this.dir, 'log', 'rgw.restart.out'), 'a');
    const env = { ...this.env, CEPH_CONF: join(this.dir, 'ceph.conf') };
    // radosgw daemonizes: the command returns once the daemon has forked.
    const result = spawnSync(argv[0] as string, argv.slice(1), { env, stdio: ['ignore', log, log] });
    expect(result.status).toBe(0);
    for (let i = 0; i < 240 && !(await this.answers()); i++) await sleep(250);
    expect(await this.answers()).toBe(true);
  }
}

function client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function storageAt(endpoint: string, prefix: string) {
  return s3Storage({ bucket: BUCKET, prefix, endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
}

function batch(stream: number, commit: number): Array<EventData & { id: string }> {
  return [0, 1, 2].map((i) => ({ id: `s${stream}-c${commit}-e${i}`, type: 'tick', data: { stream, commit, i } }));
}

/** Every event id of a stream, in revision order, checking revisions are 1..n without gaps. */
async function idsOf(store: StreamStore, streamId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of store.read(streamId)) {
    expect(event.revision).toBe(ids.length + 1);
    ids.push(event.id);
  }
  return ids;
}

/** What the error (or the result) of `promise` was. */
function outcomeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'succeeded',
    (error: unknown) => error,
  );
}

describe('s3 gateway faults (private gateway)', () => {
  let gateway: PrivateGateway;

  beforeAll(async () => {
    gateway = await PrivateGateway.start();
    const admin = client(gateway.endpoint);
    await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    admin.destroy();
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop();
    expect(existsSync(gateway.dir)).toBe(false);
  }, 60_000);

  it('a gateway crash surfaces as StorageUnavailableError; after its restart nothing acknowledged is lost', async () => {
    const WRITERS = 4;
    const prefix = `outage/${randomUUID()}/`;
    const store = await createStreamStore({ storage: storageAt(gateway.endpoint, prefix), provisionSchema: true });
    const heads = new Array<number>(WRITERS).fill(0);
    const acknowledged: string[][] = Array.from({ length: WRITERS }, () => []);
    const unavailable: StorageUnavailableError[] = [];
    const commits = new Array<number>(WRITERS).fill(0);
    // One writer per stream, each retrying its commit with the same ids until it is acknowledged.
    const writer = async (stream: number, until: () => boolean) => {
      while (!until()) {
        const commit = commits[stream] as number;
        commits[stream] = commit + 1;
        const events = batch(stream, commit);
        heads[stream] = await commitUntilAcknowledged(store, `s-${stream}`, heads[stream] as number, events, unavailable);
        acknowledged[stream]?.push(...events.map((e) => e.id));
      }
    };

    await Promise.all(heads.map((_, stream) => writer(stream, () => (commits[stream] as number) >= 5)));
    let restarted = false;
    const afterRestart = () => restarted && unavailable.length > 0;
    const inFlight = Promise.all(heads.map((_, stream) => writer(stream, afterRestart)));
    await sleep(50);
    const argv = await gateway.killGateway();

    // While it is down every kind of call reports the outage as a typed error with the driver's error as cause.
    const fresh = await createStreamStore({ storage: storageAt(gateway.endpoint, prefix) });
    const whileDown = [
      await outcomeOf(store.getStream('s-0')),
      await outcomeOf(idsOf(fresh, 's-1')),
      await outcomeOf(store.append('another', 'no-stream', batch(99, 0))),
    ];
    for (const error of whileDown) {
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect((error as StorageUnavailableError).code).toBe('STORAGE_UNAVAILABLE');
      expect((error as StorageUnavailableError).cause).toBeDefined();
    }
    await sleep(300);
    await gateway.restartGateway(argv);
    restarted = true;
    await inFlight;
    const total = commits.reduce((a, b) => a + b, 0);
    await Promise.all(heads.map((_, stream) => writer(stream, () => commits.reduce((a, b) => a + b, 0) >= total + 20)));
    expect(unavailable.length).toBeGreaterThan(0);
    console.log(`s3 gateway outage: ${unavailable.length} StorageUnavailableError(s) during the outage, ${total + 20} commits`);

    // A store that never saw the outage (no cache) reads exactly the acknowledged events, once each, in order.
    const verifier = await createStreamStore({ storage: storageAt(gateway.endpoint, prefix) });
    for (let stream = 0; stream < WRITERS; stream++) {
      expect(await idsOf(verifier, `s-${stream}`)).toEqual(acknowledged[stream]);
    }
    // The commit refused while down was never written.
    expect(await verifier.getStream('another')).toBeNull();
    await Promise.all([store.close(), fresh.close(), verifier.close()]);
  }, 120_000);

  describe('a commit whose answer is lost', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await FaultProxy.start(gateway.port);
    });
    afterAll(async () => {
      await proxy?.close();
    });

    /** A store over the proxy, with the probe done, and a direct one (no proxy, no shared cache) to verify. */
    async function stores(prefix: string) {
      const viaProxy = await createStreamStore({
        storage: storageAt(`http://127.0.0.1:${proxy.port}`, prefix),
        provisionSchema: true,
      });
      const direct = await createStreamStore({ storage: storageAt(gateway.endpoint, prefix) });
      return { viaProxy, direct, commitMarker: `PUT /${BUCKET}/${prefix}s/` };
    }

    /** The commit objects of the prefix (one per commit in conditional mode). */
    async function commitObjects(prefix: string): Promise<string[]> {
      const admin = client(gateway.endpoint);
      const out = await admin.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}s/` }));
      admin.destroy();
      return (out.Contents ?? []).map((item) => item.Key as string);
    }

    it('fails with StorageUnavailableError; the retry with the same ids returns the original revision and writes nothing', async () => {
      const prefix = `lost-answer/${randomUUID()}/`;
      const { viaProxy, direct, commitMarker } = await stores(prefix);
      await viaProxy.append('order', 'no-stream', batch(0, 0));

      proxy.loseNextReply({ afterRequestContaining: commitMarker, blackout: true });
      const lost = await outcomeOf(viaProxy.append('order', 3, batch(0, 1)));
      expect(proxy.lostReplies).toBe(1);
      expect(lost).toBeInstanceOf(StorageUnavailableError);
      // The outcome was unknown to the caller, but the commit did land.
      expect(await idsOf(direct, 'order')).toEqual([...batch(0, 0), ...batch(0, 1)].map((e) => e.id));
      expect(proxy.refused).toBeGreaterThan(0);
      proxy.heal();

      // The same process retries: the original result, nothing written twice.
      expect(await viaProxy.append('order', 3, batch(0, 1))).toEqual({ revision: 6 });
      // A restarted process (no cache) retries too, with 'any': the ids are the stream's latest events.
      const restartedProcess = await createStreamStore({ storage: storageAt(`http://127.0.0.1:${proxy.port}`, prefix) });
      expect(await restartedProcess.append('order', 'any', batch(0, 1))).toEqual({ revision: 6 });
      expect(await restartedProcess.append('order', 3, batch(0, 1))).toEqual({ revision: 6 });

      expect(await idsOf(direct, 'order')).toEqual([...batch(0, 0), ...batch(0, 1)].map((e) => e.id));
      expect(await commitObjects(prefix)).toHaveLength(2);
      // And the stream goes on normally.
      expect((await viaProxy.append('order', 6, batch(0, 2))).revision).toBe(9);
      await Promise.all([viaProxy.close(), direct.close(), restartedProcess.close()]);
    }, 60_000);

    it('answered by the SDK retrying the PUT itself (412 on its own commit): acknowledged once, not duplicated', async () => {
      const prefix = `lost-answer-sdk-retry/${randomUUID()}/`;
      const { viaProxy, direct, commitMarker } = await stores(prefix);
      const swallowedBefore = proxy.lostReplies;
      proxy.loseNextReply({ afterRequestContaining: commitMarker });
      expect(await viaProxy.append('order', 'no-stream', batch(1, 0))).toEqual({ revision: 3 });
      expect(proxy.lostReplies).toBe(swallowedBefore + 1);
      expect(await idsOf(direct, 'order')).toEqual(batch(1, 0).map((e) => e.id));
      expect(await commitObjects(prefix)).toHaveLength(1);
      await Promise.all([viaProxy.close(), direct.close()]);
    }, 60_000);
  });
});
