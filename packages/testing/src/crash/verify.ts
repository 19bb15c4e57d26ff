import type { CrashAck } from './ack-log.js';
import { type CrashEventKey, crashCommitKey, parseCrashEventId } from './event-ids.js';

/** What a fresh store shows of one stream after the crashes: its head and every event, as read forward. */
export interface ObservedStream {
  streamId: string;
  /** `getStream(...)?.revision ?? 0`. */
  head: number;
  events: ReadonlyArray<{ id: string; revision: number }>;
}

/** Input of {@link verifyCrashRun}. */
export interface CrashVerificationInput {
  /** The run's streams; the `s<k>` of an event id names `streamIds[k]`. */
  streamIds: readonly string[];
  /** Every acknowledged commit, from all children. */
  acks: readonly CrashAck[];
  /** First ids of commits begun but never acknowledged (caught by a kill): each must be whole or absent. */
  inFlight?: readonly string[];
  observed: readonly ObservedStream[];
}

/** Outcome of {@link verifyCrashRun}. `problems` is empty when every guarantee held. */
export interface CrashVerification {
  problems: string[];
  /** Acknowledged commits (and their events), all found intact when `problems` is empty. */
  ackedCommits: number;
  ackedEvents: number;
  /** Whole commits found in the store, and how many of them were never acknowledged (killed after the commit). */
  commitsPresent: number;
  unackedCommitsPresent: number;
  /** Commits a kill caught in flight, and how many of them landed anyway. */
  inFlightAtKill: number;
  inFlightLanded: number;
  eventsPresent: number;
}

interface FoundCommit {
  streamId: string;
  count: number;
  /** Revision of each event by its place in the commit. */
  revisions: Map<number, number>;
}

/** Problems listed per kind before the rest is summarised: enough to debug, short enough to read. */
const MAX_PROBLEMS_PER_KIND = 5;

/**
 * Checks the crash-test guarantees on what a fresh store shows: every acknowledged commit is present exactly once,
 * whole, at its acknowledged revisions and with its ids; no commit (acknowledged or not) is partial or split; every
 * stream's revisions run 1..head without a gap; no id appears twice or in a foreign stream. Pure: runs on
 * hand-made data as well as on a real store's.
 */
export function verifyCrashRun(input: CrashVerificationInput): CrashVerification {
  const problems = new ProblemList();
  const commits = new Map<string, FoundCommit>();
  const seenIds = new Map<string, string>();
  let eventsPresent = 0;

  for (const stream of input.observed) {
    checkRevisionSequence(stream, problems);
    for (const event of stream.events) {
      eventsPresent++;
      const where = `stream '${stream.streamId}' revision ${event.revision}`;
      const previous = seenIds.get(event.id);
      if (previous !== undefined) problems.add('duplicate', `duplicate event id '${event.id}' at ${where} (also at ${previous})`);
      seenIds.set(event.id, where);
      const key = parseCrashEventId(event.id);
      if (!key) {
        problems.add('foreign', `unexpected event id '${event.id}' at ${where}`);
        continue;
      }
      if (input.streamIds[key.stream] !== stream.streamId) {
        problems.add('foreign', `event '${event.id}' of stream #${key.stream} found in ${where}`);
      }
      addToCommit(commits, stream.streamId, key, event.revision, problems);
    }
  }

  let unackedCommitsPresent = 0;
  const acked = new Set<string>();
  for (const ack of input.acks) {
    const key = parseCrashEventId(ack.firstId);
    if (key?.index !== 0 || key.count !== ack.count) {
      problems.add('ack', `malformed ack: ${JSON.stringify(ack)}`);
      continue;
    }
    const commitKey = crashCommitKey(key);
    acked.add(commitKey);
    checkAcknowledged(ack, commitKey, commits.get(commitKey), problems);
  }
  for (const [commitKey, commit] of commits) {
    checkWhole(commitKey, commit, problems);
    if (!acked.has(commitKey)) unackedCommitsPresent++;
  }

  const inFlight = input.inFlight ?? [];
  const inFlightLanded = inFlight.filter((firstId) => {
    const key = parseCrashEventId(firstId);
    return key !== undefined && commits.has(crashCommitKey(key));
  }).length;

  return {
    problems: problems.list(),
    ackedCommits: acked.size,
    ackedEvents: input.acks.reduce((sum, ack) => sum + ack.count, 0),
    commitsPresent: commits.size,
    unackedCommitsPresent,
    inFlightAtKill: inFlight.length,
    inFlightLanded,
    eventsPresent,
  };
}

function checkRevisionSequence(stream: ObservedStream, problems: ProblemList): void {
  const gap = stream.events.findIndex((event, i) => event.revision !== i + 1);
  if (gap >= 0) {
    const found = stream.events[gap]?.revision;
    const after = gap === 0 ? 'at the start' : `after revision ${stream.events[gap - 1]?.revision}`;
    problems.add('gap', `stream '${stream.streamId}': revision ${found} ${after}, expected ${gap + 1} (gap or disorder)`);
  }
  if (stream.head !== stream.events.length) {
    problems.add(
      'head',
      `stream '${stream.streamId}': getStream says revision ${stream.head}, read returns ${stream.events.length} events`,
    );
  }
}

function addToCommit(
  commits: Map<string, FoundCommit>,
  streamId: string,
  key: CrashEventKey,
  revision: number,
  problems: ProblemList,
): void {
  const commitKey = crashCommitKey(key);
  let commit = commits.get(commitKey);
  if (!commit) {
    commit = { streamId, count: key.count, revisions: new Map() };
    commits.set(commitKey, commit);
  }
  if (commit.count !== key.count) problems.add('partial', `commit ${commitKey}: events disagree on its size`);
  if (!commit.revisions.has(key.index)) commit.revisions.set(key.index, revision);
}

/** A commit is whole when all its events are there, in order, at consecutive revisions. */
function checkWhole(commitKey: string, commit: FoundCommit, problems: ProblemList): void {
  const missing = Array.from({ length: commit.count }, (_, i) => i).filter((i) => !commit.revisions.has(i));
  if (missing.length > 0) {
    problems.add(
      'partial',
      `partial commit ${commitKey} in stream '${commit.streamId}': ${commit.count - missing.length} of ${commit.count} events present (missing places ${missing.join(', ')})`,
    );
    return;
  }
  const first = commit.revisions.get(0) as number;
  for (let i = 1; i < commit.count; i++) {
    if (commit.revisions.get(i) !== first + i) {
      problems.add(
        'partial',
        `commit ${commitKey} in stream '${commit.streamId}' is split: event ${i} at revision ${commit.revisions.get(i)}, expected ${first + i}`,
      );
      return;
    }
  }
}

function checkAcknowledged(ack: CrashAck, commitKey: string, commit: FoundCommit | undefined, problems: ProblemList): void {
  if (!commit) {
    problems.add(
      'lost',
      `lost acknowledged commit ${commitKey}: stream '${ack.streamId}' revisions ${ack.revision - ack.count + 1}..${ack.revision} (${ack.count} events)`,
    );
    return;
  }
  if (commit.streamId !== ack.streamId) {
    problems.add('lost', `acknowledged commit ${commitKey} of stream '${ack.streamId}' found in stream '${commit.streamId}'`);
    return;
  }
  const last = commit.revisions.get(ack.count - 1);
  if (last !== undefined && last !== ack.revision) {
    problems.add(
      'moved',
      `acknowledged commit ${commitKey} was acknowledged at revision ${ack.revision} but its last event is at ${last}`,
    );
  }
}

/** Problems grouped by kind, each kind capped, with a count of what was left out. */
class ProblemList {
  private readonly byKind = new Map<string, string[]>();
  private omitted = 0;

  add(kind: string, problem: string): void {
    const list = this.byKind.get(kind) ?? [];
    this.byKind.set(kind, list);
    if (list.length < MAX_PROBLEMS_PER_KIND) list.push(problem);
    else this.omitted++;
  }

  list(): string[] {
    const all = [...this.byKind.values()].flat();
    return this.omitted > 0 ? [...all, `... and ${this.omitted} more problems of the same kinds`] : all;
  }
}
