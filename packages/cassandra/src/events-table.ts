import { quoteIdentifier } from './identifiers.js';
import type { ResolvedConfig } from './options.js';

/** Clustering `kind` of an event row: `seq` = revision, `event_id` = the event's id. */
export const EVENT_KIND = 0;
/** Clustering `kind` of an event-id row: `seq` = 0, `event_id` = the id, `revision` = where it is stored. */
export const ID_KIND = 1;

/** `"keyspace"."table"` of the events table. */
export function eventsTable(config: ResolvedConfig): string {
  return `${quoteIdentifier(config.keyspace)}.${quoteIdentifier(config.table)}`;
}
