/** The API's JSON shapes, as the page uses them. */

export interface EventJson {
  streamId: string;
  revision: number;
  position: string | null;
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  timestamp: string;
  recordedAt: string;
}

export interface StreamJson {
  streamId: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface ConsumerJson {
  consumer: string;
  checkpoint: string;
  updatedAt: string;
  lag: number | null;
}

export interface DeadLetterJson {
  id: string;
  consumer: string;
  streamId: string;
  revision: number;
  position: string | null;
  eventId: string;
  type: string;
  error: string;
  attempts: number;
  failedAt: string;
}

export interface InfoJson {
  backend: string;
  target: string | null;
  capabilities: Record<string, unknown>;
  allowWrites: boolean;
  consumers: boolean;
  authenticated: boolean;
}

/** What a page gets: where to render, its URL parameters, and a signal aborted when the page is left. */
export interface PageContext {
  main: HTMLElement;
  params: URLSearchParams;
  signal: AbortSignal;
  info: InfoJson;
}
