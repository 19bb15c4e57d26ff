import {
  type CrashAck,
  crashCommitIds,
  crashEventId,
  formatAck,
  type ObservedStream,
  parseAckLog,
  parseCrashEventId,
  verifyCrashRun,
} from '@streamstore/testing';
import { describe, expect, it } from 'vitest';

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
    const result = verifyCrashRun({ streamIds, acks: acks.slice(0, 3), observed: streams });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({
      ackedCommits: 3,
      ackedEvents: 24,
      commitsPresent: 4,
      unackedCommitsPresent: 1,
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
    const [a, b, c, d] = stream.events as [{ id: string }, { id: string }, { id: string }, { id: string }];
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
