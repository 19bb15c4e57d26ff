/** What every group of routes is built from. */
import type { StreamStore } from '@streamstore/core';
import type { ConsumerAdmin } from './consumer-admin.js';
import type { ServerLimits } from './options.js';

/** The server's resolved settings, shared by the route groups. */
export interface RouteContext {
  store: StreamStore;
  consumers: ConsumerAdmin | undefined;
  limits: ServerLimits;
  allowWrites: boolean;
  target: string | undefined;
  authenticated: boolean;
}
