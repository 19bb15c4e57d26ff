/** Starts `streamstore serve` on a free port and reads the URL and token it prints. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { startCli } from './cli-harness.js';

/** A running `streamstore serve`. */
export interface ServeRun {
  child: ChildProcessWithoutNullStreams;
  url: string;
  token: string | undefined;
  output: () => string;
  stop(): Promise<void>;
}

/** Runs `streamstore serve --port 0 <args>` in `cwd` and waits until it listens. */
export function startServe(args: string[], cwd: string): Promise<ServeRun> {
  const child = startCli(['serve', '--port', '0', ...args], { cwd });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stdout}\n${stderr}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => reject(new Error(`serve exited with ${code}:\n${stdout}\n${stderr}`)));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const url = /at (http:\/\/\S+?)\/?\n/.exec(stdout)?.[1];
      // The last line of the banner says whether writes are allowed.
      if (!url || !/(read-only|writes allowed)[^\n]*\n/.test(stdout)) return;
      clearTimeout(timer);
      resolve({
        child,
        url,
        token: /token: ([A-Za-z0-9_-]{20,})\n/.exec(stdout)?.[1],
        output: () => stdout + stderr,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('close', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
