import type { CrashAck } from './ack-log.js';
import { type CrashRoundResult, runCrashRound } from './child-round.js';
import { randomInt, seededRandom } from './random.js';
import { type CrashVerification, type ObservedStream, verifyCrashRun } from './verify.js';

/** What the verification reads through: a `StreamStore` fits. */
export interface CrashVerifierStore {
  getStream(streamId: string): Promise<{ revision: number } | null>;
  read(streamId: string): AsyncIterable<{ id: string; revision: number }>;
  close(): Promise<void>;
}

/** Options of {@link runCrashTest}. */
export interface CrashTestOptions {
  /** Path of the child module (plain .mjs calling `runCrashChild`), run as `node <childModule> ...childArgs`. */
  childModule: string;
  /** Arguments telling the child where the storage is (file, schema, keyspace, prefix...). */
  childArgs?: readonly string[];
  /** A fresh store over the same data, opened after the last kill for the verification (closed by the harness). */
  openStore: () => CrashVerifierStore | Promise<CrashVerifierStore>;
  /** Streams written (default 3), named `<streamPrefix><k>`. */
  streams?: number;
  streamPrefix?: string;
  /** Children started and killed (default 10). */
  kills?: number;
  /** Seed of every random choice (default: random); reported so a failing run can be repeated. */
  seed?: number;
  /** Range of the delay between a child's `ready` and its SIGKILL (default [50, 800] ms). */
  killDelayMs?: readonly [number, number];
  /** Largest batch (default 20; batches are 1..maxBatch events). */
  maxBatch?: number;
  /** Concurrent writers in each child, each on its own streams (default min(streams, 3)). */
  writers?: number;
  /** How long a child may take to open its store and re-send the last acknowledged batch (default 60 s). */
  readyTimeoutMs?: number;
  /** Environment of the children (default this process's). */
  env?: NodeJS.ProcessEnv;
  /** Progress lines (one per round and one for the verification). */
  log?: (message: string) => void;
}

/** What a crash test did and found. */
export interface CrashTestReport {
  seed: number;
  kills: number;
  streamIds: string[];
  rounds: CrashRoundResult[];
  /** Re-sent acknowledged batches that came back with their original revision. */
  idempotentResends: number;
  verification: CrashVerification;
}

/** Thrown by {@link runCrashTest} when a guarantee did not hold; `report` holds the details. */
export class CrashTestFailure extends Error {
  constructor(readonly report: CrashTestReport) {
    super(
      `crash test (seed ${report.seed}) found ${report.verification.problems.length} problem(s):\n  ${report.verification.problems.join('\n  ')}`,
    );
    this.name = 'CrashTestFailure';
  }
}

/**
 * Crash-tests a backend: starts a child process that appends batches in a loop and kills it with SIGKILL at a
 * random moment, `kills` times (each child resumes from `getStream` and re-sends the last acknowledged batch once),
 * then checks with a fresh store that every acknowledged commit is present exactly once at its revisions, that no
 * commit is partial, and that revisions run 1..head without gaps. Runner-agnostic: resolves with a report, throws
 * {@link CrashTestFailure} (or the child's error) otherwise. The storage must be provisioned beforehand.
 * @example const report = await runCrashTest({ childModule, childArgs: [file], openStore: () => open(file), kills: 10 });
 */
export async function runCrashTest(options: CrashTestOptions): Promise<CrashTestReport> {
  const seed = options.seed ?? randomInt(Math.random, 1, 2 ** 31 - 1);
  const random = seededRandom(seed);
  const streamCount = positive(options.streams ?? 3, 'streams');
  const streamIds = Array.from({ length: streamCount }, (_, k) => `${options.streamPrefix ?? 'crash-'}${k}`);
  const kills = positive(options.kills ?? 10, 'kills');
  const [minDelay, maxDelay] = options.killDelayMs ?? [50, 800];
  const log = options.log ?? (() => {});
  const rounds: CrashRoundResult[] = [];
  let lastAck: CrashAck | undefined;

  for (let round = 1; round <= kills; round++) {
    const result = await runCrashRound({
      childModule: options.childModule,
      childArgs: options.childArgs ?? [],
      env: options.env ?? process.env,
      killDelayMs: randomInt(random, minDelay, maxDelay),
      readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
      config: {
        streamIds,
        round,
        seed: randomInt(random, 1, 2 ** 31 - 1),
        maxBatch: positive(options.maxBatch ?? 20, 'maxBatch'),
        writers: positive(options.writers ?? Math.min(streamCount, 3), 'writers'),
        resend: lastAck,
      },
    });
    rounds.push(result);
    lastAck = result.acks.at(-1) ?? lastAck;
    log(
      `round ${round}: killed ${result.killDelayMs} ms after ready, ${result.acks.length} commits acknowledged, ` +
        `${result.inFlight.length} in flight`,
    );
  }

  const observed = await observe(options.openStore, streamIds);
  const verification = verifyCrashRun({
    streamIds,
    acks: rounds.flatMap((round) => round.acks),
    inFlight: rounds.flatMap((round) => round.inFlight),
    observed,
  });
  const report: CrashTestReport = {
    seed,
    kills,
    streamIds,
    rounds,
    idempotentResends: rounds.reduce((sum, round) => sum + round.idempotentResends, 0),
    verification,
  };
  log(
    `verified (seed ${seed}): ${verification.ackedCommits} acknowledged commits (${verification.ackedEvents} events), ` +
      `${verification.inFlightAtKill} commits in flight at the kills (${verification.inFlightLanded} of them present), ` +
      `${verification.problems.length} problems`,
  );
  if (verification.problems.length > 0) throw new CrashTestFailure(report);
  return report;
}

/** Reads every stream through a fresh store. */
async function observe(openStore: CrashTestOptions['openStore'], streamIds: readonly string[]): Promise<ObservedStream[]> {
  const store = await openStore();
  try {
    const observed: ObservedStream[] = [];
    for (const streamId of streamIds) {
      const head = (await store.getStream(streamId))?.revision ?? 0;
      const events: Array<{ id: string; revision: number }> = [];
      for await (const event of store.read(streamId)) events.push({ id: event.id, revision: event.revision });
      observed.push({ streamId, head, events });
    }
    return observed;
  } finally {
    await store.close();
  }
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`runCrashTest: ${name} must be a positive integer`);
  return value;
}
