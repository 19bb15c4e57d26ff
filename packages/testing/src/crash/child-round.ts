import { spawn } from 'node:child_process';
import { type CrashAck, parseAckLine } from './ack-log.js';
import { CRASH_CHILD_ENV, type CrashChildConfig } from './child-config.js';

/** How to start and when to kill one child. */
export interface CrashRoundSpec {
  childModule: string;
  childArgs: readonly string[];
  env: NodeJS.ProcessEnv;
  config: CrashChildConfig;
  /** Time from the child's `ready` to SIGKILL. */
  killDelayMs: number;
  /** How long the child may take to open its store and re-send the last acknowledged batch. */
  readyTimeoutMs: number;
}

/** What one killed child acknowledged. */
export interface CrashRoundResult {
  round: number;
  killDelayMs: number;
  acks: CrashAck[];
  /** First ids of the commits begun but not acknowledged when the kill landed. */
  inFlight: string[];
  /** Re-sent batches that came back with their acknowledged revision (0 or 1). */
  idempotentResends: number;
}

const STDERR_TAIL_CHARS = 4000;

/**
 * Runs one child: starts `node <childModule> ...childArgs`, collects its lines, kills it with SIGKILL
 * `killDelayMs` after it is ready. Rejects when the child fails or exits by itself: it must only die by the kill.
 */
export function runCrashRound(spec: CrashRoundSpec): Promise<CrashRoundResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [spec.childModule, ...spec.childArgs], {
      env: { ...spec.env, [CRASH_CHILD_ENV]: JSON.stringify(spec.config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const result: CrashRoundResult = {
      round: spec.config.round,
      killDelayMs: spec.killDelayMs,
      acks: [],
      inFlight: [],
      idempotentResends: 0,
    };
    const failures: string[] = [];
    let pending = '';
    let stderr = '';
    let killedByUs = false;
    const begun = new Set<string>();
    let killTimer: NodeJS.Timeout | undefined;
    const kill = () => {
      killedByUs = true;
      child.kill('SIGKILL');
    };
    const readyTimer = setTimeout(() => {
      failures.push(`not ready after ${spec.readyTimeoutMs} ms`);
      kill();
    }, spec.readyTimeoutMs);

    const onLine = (line: string) => {
      if (line === 'ready') {
        clearTimeout(readyTimer);
        killTimer = setTimeout(kill, spec.killDelayMs);
        return;
      }
      const ack = parseAckLine(line);
      if (ack) {
        result.acks.push(ack);
        begun.delete(ack.firstId);
      } else if (line.startsWith('begin ')) begun.add(line.split(' ')[2] as string);
      else if (line.startsWith('idem ')) checkResend(line);
      else if (line.startsWith('fail ')) failures.push(line.slice(5));
      else failures.push(`unexpected line from the child: ${JSON.stringify(line)}`);
    };
    const checkResend = (line: string) => {
      const [, streamId, revision] = line.split(' ');
      const sent = spec.config.resend;
      if (sent && sent.streamId === streamId && sent.revision === Number(revision)) result.idempotentResends++;
      else failures.push(`re-sent commit came back as ${line.slice(5)}, expected ${sent?.streamId} ${sent?.revision}`);
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      // A last piece without newline waits for its end (or, after the kill, is dropped: never acknowledged).
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (error) => failures.push(`could not start the child: ${error.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(readyTimer);
      if (killTimer) clearTimeout(killTimer);
      if (!killedByUs) failures.push(`child exited by itself (code ${code}, signal ${signal}) before the kill`);
      if (failures.length === 0) {
        result.inFlight = [...begun];
        resolve(result);
        return;
      }
      const details = stderr.trim() ? `\nchild stderr:\n${stderr.trim()}` : '';
      reject(new Error(`crash round ${spec.config.round}: ${failures.join('; ')}${details}`));
    });
  });
}
