import type { CrashAck } from './ack-log.js';

/** Environment variable carrying the child's {@link CrashChildConfig} as JSON. */
export const CRASH_CHILD_ENV = 'STREAMSTORE_CRASH_CHILD';

/** What the parent tells one child (one round) to do. */
export interface CrashChildConfig {
  streamIds: string[];
  /** Round number: part of every event id, so rounds never reuse an id. */
  round: number;
  seed: number;
  /** Largest batch (batches are 1..maxBatch events). */
  maxBatch: number;
  /** Concurrent writers; writer w owns the streams whose index is w modulo `writers`, so expectations stay exact. */
  writers: number;
  /** The previous round's last acknowledged commit, sent again once to exercise idempotency. */
  resend?: CrashAck;
}

/** Reads the child's configuration from {@link CRASH_CHILD_ENV}. */
export function readCrashChildConfig(env: NodeJS.ProcessEnv = process.env): CrashChildConfig {
  const raw = env[CRASH_CHILD_ENV];
  if (!raw) throw new Error(`${CRASH_CHILD_ENV} is not set: this module is started by runCrashTest`);
  return JSON.parse(raw) as CrashChildConfig;
}
