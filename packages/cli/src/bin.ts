#!/usr/bin/env node
/** Entry point of the `streamstore` command. */
import { main } from './program.js';

// The AWS SDK prints a notice about its future Node support from its first client (the bench's scratch cleanup
// builds its own): not an error of this command, and noise at its user. The SDK's documented switch; a value the
// user set wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `streamstore tail | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const exitCode = await main(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
// Let pending output flush, then end even when a driver keeps sockets or timers alive.
process.exitCode = exitCode;
process.stdout.write('', () => process.exit(exitCode));
