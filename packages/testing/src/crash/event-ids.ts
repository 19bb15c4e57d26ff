/**
 * Event ids of the crash test encode where an event belongs: stream, child round, commit and place in the commit.
 * The verifier regroups whatever survived into commits from the ids alone, so a partial commit is visible without
 * any record of what the killed child was doing.
 */

/** Where a crash-test event belongs. */
export interface CrashEventKey {
  /** Index of the stream in the run's stream list. */
  stream: number;
  /** The child process (round) that wrote it. */
  round: number;
  /** Commit number within the round. */
  commit: number;
  /** 0-based place in the commit. */
  index: number;
  /** Events in the commit. */
  count: number;
}

const ID_PATTERN = /^s(\d+)-r(\d+)-c(\d+)-e(\d+)of(\d+)$/;

/** The id of one crash-test event, e.g. `s2-r5-c17-e3of12`. */
export function crashEventId(key: CrashEventKey): string {
  return `s${key.stream}-r${key.round}-c${key.commit}-e${key.index}of${key.count}`;
}

/** Parses a crash-test event id; undefined for anything else. */
export function parseCrashEventId(id: string): CrashEventKey | undefined {
  const match = ID_PATTERN.exec(id);
  if (!match) return undefined;
  const [stream, round, commit, index, count] = match.slice(1).map(Number) as [number, number, number, number, number];
  if (count < 1 || index >= count) return undefined;
  return { stream, round, commit, index, count };
}

/** The commit an event belongs to, as a map key (`s2-r5-c17`). */
export function crashCommitKey(key: Pick<CrashEventKey, 'stream' | 'round' | 'commit'>): string {
  return `s${key.stream}-r${key.round}-c${key.commit}`;
}

/** All ids of the commit whose first event id is `firstId`, in order. */
export function crashCommitIds(firstId: string): string[] {
  const key = parseCrashEventId(firstId);
  if (key?.index !== 0) throw new Error(`'${firstId}' is not the first id of a crash-test commit`);
  return Array.from({ length: key.count }, (_, index) => crashEventId({ ...key, index }));
}
