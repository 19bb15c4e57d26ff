/**
 * Crash tests: a child process appending in a loop is killed with SIGKILL at random moments; the verifier then
 * proves that acknowledged commits survived whole and that nothing is partial or out of sequence.
 */
export { type CrashAck, formatAck, parseAckLine, parseAckLog } from './ack-log.js';
export { type CrashChildStore, runCrashChild } from './child.js';
export { CRASH_CHILD_ENV, type CrashChildConfig, readCrashChildConfig } from './child-config.js';
export type { CrashRoundResult } from './child-round.js';
export { type CrashEventKey, crashCommitIds, crashCommitKey, crashEventId, parseCrashEventId } from './event-ids.js';
export {
  CrashTestFailure,
  type CrashTestOptions,
  type CrashTestReport,
  type CrashVerifierStore,
  runCrashTest,
} from './run-crash-test.js';
export { type CrashVerification, type CrashVerificationInput, type ObservedStream, verifyCrashRun } from './verify.js';
