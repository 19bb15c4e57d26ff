/**
 * @streamstore/server: an HTTP server over any StreamStore — a JSON API (streams, the global log, categories,
 * live tails as server-sent events, consumers and dead letters, appends when allowed), its OpenAPI document and a
 * web stream browser.
 */
export { createServer } from './app.js';
export { generateToken } from './auth.js';
export type { ConsumerAdmin, ConsumerStatus, DeadLetterEntry, RetryOutcome } from './consumer-admin.js';
export type { EventJson } from './event-json.js';
export { type ErrorBody, errorResponse, HttpError } from './http-error.js';
export { isLoopbackAddress } from './loopback.js';
export { DEFAULT_LIMITS, type ServerLimits, type ServerOptions } from './options.js';
export { type RunningServer, type StartServerOptions, startServer } from './start.js';
