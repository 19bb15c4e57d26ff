import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CrashAck,
  CrashTestFailure,
  crashCommitIds,
  crashEventId,
  formatAck,
  type ObservedStream,
  parseAckLog,
  parseCrashEventId,
  runCrashTest,
  verifyCrashRun,
} from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';

const streamIds = ['crash-0', 'crash-1'];

/** Builds a consistent run: commits appended in order, each given as [stream, round, commit, size]. */
function history(commits: Array<[stream: number, round: number, commit: number, size: number]>) {
  const streams = streamIds.map((streamId): ObservedStream & { events: Array<{ id: string; revision: number }> } => ({
    streamId,
    head: 0,
    events: [],
  }));
  const acks: CrashAck[] = [];
  for (const [stream, round, commit, count] of commits) {
    const observed = streams[stream] as (typeof streams)[number];
    for (let index = 0; index < count; index++) {
      observed.events.push({ id: crashEventId({ stream, round, commit, index, count }), revision: observed.events.length + 1 });
    }
    observed.head = observed.events.length;
    acks.push({
      streamId: observed.streamId,
      revision: observed.head,
      firstId: crashEventId({ stream, round, commit, index: 0, count }),
      count,
    });
  }
  return { streams, acks };
}

const renumber = (events: Array<{ id: string; revision: number }>) => events.map((event, i) => ({ ...event, revision: i + 1 }));

describe('crash-test event ids and ack log', () => {
  it('round-trips ids and rebuilds a commit from its first id', () => {
    const id = crashEventId({ stream: 2, round: 5, commit: 17, index: 0, count: 3 });
    expect(id).toBe('s2-r5-c17-e0of3');
    expect(parseCrashEventId(id)).toEqual({ stream: 2, round: 5, commit: 17, index: 0, count: 3 });
    expect(crashCommitIds(id)).toEqual(['s2-r5-c17-e0of3', 's2-r5-c17-e1of3', 's2-r5-c17-e2of3']);
    expect(parseCrashEventId('s1-r1-c1-e3of3')).toBeUndefined();
    expect(parseCrashEventId('other')).toBeUndefined();
  });

  it('parses ack lines and drops a last line cut by the kill', () => {
    const ack = { streamId: 'crash-1', revision: 12, firstId: 's1-r2-c4-e0of5', count: 5 };
    const text = `ready\n${formatAck(ack)}idem crash-0 3\nack crash-0 9 s0-r2-c5-e0`;
    expect(parseAckLog(text)).toEqual([ack]);
  });
});

describe('the crash verifier', () => {
  it('accepts a consistent history, counting unacknowledged commits that made it', () => {
    const { streams, acks } = history([
      [0, 1, 0, 3],
      [1, 1, 1, 20],
      [0, 1, 2, 1],
      [0, 2, 0, 7],
    ]);
    // The kill caught two commits in flight: s0-r2-c0 landed, s1-r2-c1 left nothing.
    const inFlight = ['s0-r2-c0-e0of7', 's1-r2-c1-e0of4'];
    const result = verifyCrashRun({ streamIds, acks: acks.slice(0, 3), inFlight, observed: streams });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({
      ackedCommits: 3,
      ackedEvents: 24,
      commitsPresent: 4,
      unackedCommitsPresent: 1,
      inFlightAtKill: 2,
      inFlightLanded: 1,
      eventsPresent: 31,
    });
  });

  it('detects a gap in the revisions', () => {
    const { streams, acks } = history([
      [0, 1, 0, 2],
      [0, 1, 1, 2],
    ]);
    const stream = streams[0] as (typeof streams)[number];
    stream.events[3] = { ...(stream.events[3] as { id: string }), revision: 5 };
    stream.head = 5;
    const { problems } = verifyCrashRun({ streamIds, acks, observed: streams });
    expect(problems.some((p) => p.includes("stream 'crash-0': revision 5 after revision 3, expected 4"))).toBe(true);
  });

  it('detects a head that disagrees with the events read', () => {
    const { streams, acks } = history([[1, 1, 0, 4]]);
    (streams[1] as (typeof streams)[number]).head = 6;
    const { problems } = verifyCrashRun({ streamIds, acks, observed: streams });
    expect(problems).toEqual(["stream 'crash-1': getStream says revision 6, read returns 4 events"]);
  });

  it('detects a partial unacknowledged commit', () => {
    const { streams, acks } = history([
      [0, 1, 0, 2],
      [0, 1, 1, 5],
    ]);
    const stream = streams[0] as (typeof streams)[number];
    stream.events = stream.events.slice(0, 5); // the last commit kept 3 of its 5 events
    stream.head = 5;
    const { problems } = verifyCrashRun({ streamIds, acks: acks.slice(0, 1), observed: streams });
    expect(problems).toEqual(["partial commit s0-r1-c1 in stream 'crash-0': 3 of 5 events present (missing places 3, 4)"]);
  });

  it('detects a commit whose events are not consecutive', () => {
    const { streams } = history([
      [0, 1, 0, 2],
      [0, 1, 1, 2],
    ]);
    const stream = streams[0] as (typeof streams)[number];
    type Observed = (typeof stream.events)[number];
    const [a, b, c, d] = [...stream.events] as [Observed, Observed, Observed, Observed];
    stream.events = renumber([a, c, b, d]);
    const { problems } = verifyCrashRun({ streamIds, acks: [], observed: streams });
    expect(problems.filter((p) => p.includes('is split'))).toHaveLength(2);
  });

  it('detects a lost acknowledged commit', () => {
    const { streams, acks } = history([
      [1, 1, 0, 3],
      [1, 1, 1, 2],
    ]);
    const stream = streams[1] as (typeof streams)[number];
    stream.events = stream.events.slice(0, 3);
    stream.head = 3;
    const { problems } = verifyCrashRun({ streamIds, acks, observed: streams });
    expect(problems).toEqual(["lost acknowledged commit s1-r1-c1: stream 'crash-1' revisions 4..5 (2 events)"]);
  });

  it('detects an acknowledged commit at another revision than acknowledged', () => {
    const { streams, acks } = history([
      [0, 1, 0, 2],
      [0, 1, 1, 3],
    ]);
    const stream = streams[0] as (typeof streams)[number];
    const events = stream.events;
    stream.events = renumber([...events.slice(2), ...events.slice(0, 2)]);
    const { problems } = verifyCrashRun({ streamIds, acks, observed: streams });
    expect(problems).toContain('acknowledged commit s0-r1-c1 was acknowledged at revision 5 but its last event is at 3');
    expect(problems).toContain('acknowledged commit s0-r1-c0 was acknowledged at revision 2 but its last event is at 5');
  });

  it('detects duplicated events and events in a foreign stream', () => {
    const { streams, acks } = history([
      [0, 1, 0, 1],
      [1, 1, 1, 1],
    ]);
    const zero = streams[0] as (typeof streams)[number];
    const one = streams[1] as (typeof streams)[number];
    one.events.push({ id: (zero.events[0] as { id: string }).id, revision: 2 });
    one.head = 2;
    const { problems } = verifyCrashRun({ streamIds, acks, observed: streams });
    expect(problems).toContain(
      "duplicate event id 's0-r1-c0-e0of1' at stream 'crash-1' revision 2 (also at stream 'crash-0' revision 1)",
    );
    expect(problems).toContain("event 's0-r1-c0-e0of1' of stream #0 found in stream 'crash-1' revision 2");
  });

  it('reports an event the crash test never wrote', () => {
    const { streams, acks } = history([[0, 1, 0, 1]]);
    const stream = streams[0] as (typeof streams)[number];
    stream.events.push({ id: 'stranger', revision: 2 });
    stream.head = 2;
    expect(verifyCrashRun({ streamIds, acks, observed: streams }).problems).toEqual([
      "unexpected event id 'stranger' at stream 'crash-0' revision 2",
    ]);
  });
});

// End to end, without a server: the child writes a JSON-lines file, either one write per commit (atomic) or one
// write per event (torn by a kill). The child runs on the built dist, like the backends' crash children.
describe('runCrashTest end to end, on a file-backed store', () => {
  const directory = mkdtempSync(join(tmpdir(), 'streamstore-crash-harness-'));
  const testingDist = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;
  const childModule = join(directory, 'file-child.mjs');
  writeFileSync(childModule, fileStoreChild(testingDist));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('passes when every commit is one write', async () => {
    const file = join(directory, 'atomic.jsonl');
    const report = await runCrashTest({
      childModule,
      childArgs: [file, 'atomic'],
      openStore: () => fileStore(file),
      kills: 3,
      killDelayMs: [100, 300],
      seed: 42,
    });
    expect(report.seed).toBe(42);
    expect(report.rounds).toHaveLength(3);
    expect(report.verification.problems).toEqual([]);
    expect(report.verification.ackedCommits).toBe(report.rounds.reduce((sum, round) => sum + round.acks.length, 0));
    expect(report.verification.ackedCommits).toBeGreaterThan(0);
    expect(report.idempotentResends).toBeGreaterThan(0);
  });

  it('counts a re-sent batch even when recognising it takes longer than the kill delay', async () => {
    const file = join(directory, 'slow-resend.jsonl');
    const report = await runCrashTest({
      childModule,
      childArgs: [file, 'slow-resend'],
      openStore: () => fileStore(file),
      kills: 3,
      killDelayMs: [100, 300],
      seed: 7,
    });
    expect(report.verification.problems).toEqual([]);
    expect(report.idempotentResends).toBe(2);
  });

  it('reports the partial commits a kill leaves when a commit is several writes', async () => {
    const file = join(directory, 'torn.jsonl');
    const run = runCrashTest({
      childModule,
      childArgs: [file, 'torn'],
      openStore: () => fileStore(file),
      kills: 3,
      killDelayMs: [100, 300],
      maxBatch: 20,
    });
    const failure = await run.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CrashTestFailure);
    const problems = (failure as CrashTestFailure).report.verification.problems;
    expect(problems.some((problem) => problem.startsWith('partial commit '))).toBe(true);
  });

  it('fails with the child error when the child dies by itself', async () => {
    await expect(
      runCrashTest({ childModule, childArgs: [join(directory, 'bad.jsonl'), 'exit'], openStore: () => fileStore(''), kills: 1 }),
    ).rejects.toThrow(/crash round 1: .*child exited by itself \(code 3/);
  });
});

/** The verifying side of the file store. */
function fileStore(file: string) {
  const events = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { streamId: string; id: string; revision: number });
  return {
    async getStream(streamId: string) {
      const revision = events().filter((event) => event.streamId === streamId).length;
      return revision === 0 ? null : { revision };
    },
    async *read(streamId: string) {
      yield* events().filter((event) => event.streamId === streamId);
    },
    async close() {},
  };
}

/** Source of the child module: a JSON-lines store driven by runCrashChild. */
function fileStoreChild(testingDist: string): string {
  return `
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { runCrashChild } from ${JSON.stringify(testingDist)};

const [file, mode] = process.argv.slice(2);
if (mode === 'exit') process.exit(3);
const load = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const store = {
  async getStream(streamId) {
    const revision = load().filter((e) => e.streamId === streamId).length;
    return revision === 0 ? null : { revision };
  },
  async append(streamId, expected, events) {
    const stream = load().filter((e) => e.streamId === streamId);
    const retried = stream.find((e) => e.id === events[0].id);
    if (retried) {
      // A backend slower to recognise a retry than the kill delay (S3 under load).
      if (mode === 'slow-resend') await new Promise((resolve) => setTimeout(resolve, 500));
      return { revision: retried.revision + events.length - 1 };
    }
    if (stream.length !== expected) throw new Error('conflict: at ' + stream.length + ', expected ' + expected);
    const lines = events.map((e, i) => JSON.stringify({ streamId, id: e.id, revision: expected + i + 1 }) + '\\n');
    if (mode !== 'torn') appendFileSync(file, lines.join(''));
    else {
      for (const line of lines) {
        appendFileSync(file, line);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
    return { revision: expected + events.length };
  },
};
await runCrashChild(() => store);
`;
}
