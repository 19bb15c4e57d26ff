/** The options of the server and their defaults. */
import type { StreamStore } from '@streamstore/core';
import type { ConsumerAdmin } from './consumer-admin.js';

/** Bounds on what one request may ask for. */
export interface ServerLimits {
  /** Most events, streams or dead letters per page (default 1000). */
  maxPageSize: number;
  /** Page size when a request names none (default 100). */
  defaultPageSize: number;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit: number;
  /** Live tails open at once (default 100): one more is refused with 503. */
  maxLiveClients: number;
  /**
   * How long a live tail may leave sent data unread before it is dropped (default 10 s): a slow client holds
   * its own subscription only, never the server, and not for ever.
   */
  liveDrainTimeoutMs: number;
  /** Events a category page scans in the global log to fill itself (default 10 000). */
  maxCategoryScan: number;
}

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The store to serve. */
  store: StreamStore;
  /** Consumers and dead letters; without it those routes answer 501 NOT_SUPPORTED. */
  consumers?: ConsumerAdmin;
  /** The bearer token every /api request must carry; null turns authentication off (loopback only). */
  token: string | null;
  /** Accept appends (POST /api/stream/events); off by default. */
  allowWrites?: boolean;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** Request and page bounds. */
  limits?: Partial<ServerLimits>;
  /** What the web page shows as the store's location (e.g. the database file). */
  target?: string;
  /** Log each request to stderr (default false). */
  logRequests?: boolean;
}

/** The bounds in force when a server names none. */
export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxPageSize: 1000,
  defaultPageSize: 100,
  bodyLimit: 1024 * 1024,
  maxLiveClients: 100,
  liveDrainTimeoutMs: 10_000,
  maxCategoryScan: 10_000,
});
