/**
 * The part of Emmett's API both Emmett peers use (its event stores share the `EventStore` interface of
 * `@event-driven-io/emmett`), declared here because the kit does not depend on Emmett.
 */

/** Appending and reading streams, as every Emmett event store does. */
export interface EmmettEventStore {
  appendToStream(
    streamName: string,
    events: Array<{ type: string; data: Record<string, unknown> }>,
    options: { expectedStreamVersion: bigint | string },
  ): Promise<{ nextExpectedStreamVersion: bigint }>;
  readStream(
    streamName: string,
    options: { from?: bigint; to?: bigint },
  ): Promise<{ currentStreamVersion: bigint; events: unknown[] }>;
}

/** A page of Emmett's global log. */
export interface EmmettMessagesBatch {
  currentGlobalPosition: bigint;
  messages: unknown[];
}

/** `@event-driven-io/emmett` itself. */
export interface EmmettCore {
  isExpectedVersionConflictError(error: unknown): boolean;
}
