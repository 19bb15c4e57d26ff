import type { DemoStats } from './stats.js';
import type { StoreCheck } from './verify.js';

/** Options of the demo command. */
export interface DemoOptions {
  mode: 'single' | 'multitenant';
  writers: number;
  readers: number;
  streams: number;
  /** Events to write (per tenant in multitenant mode). */
  events: number;
  seed: number;
  tenants: string[];
  verbose: boolean;
}

/** What the demo found; `verified` decides the exit code. */
export interface DemoResult {
  verified: boolean;
  stats: DemoStats;
  checks: StoreCheck[];
}
