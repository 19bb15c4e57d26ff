/**
 * What the server needs to show consumers and manage dead letters. The server depends on the core only, so whoever
 * owns the backend (the CLI, an application) provides this over the backend's checkpoint and dead-letter tables.
 */
import type { DeadLetter } from '@streamstore/core';

/** A consumer with its saved checkpoint and how far it trails the global log. */
export interface ConsumerStatus {
  consumer: string;
  checkpoint: string;
  updatedAt: Date;
  /** Events of the global log after the checkpoint; null when it cannot be told (e.g. a stream checkpoint). */
  lag: number | null;
}

/** A parked event with the id the server addresses it by. */
export interface DeadLetterEntry extends DeadLetter {
  /** Stable id of the dead letter in its store (a decimal string for the SQL backends). */
  id: string;
}

/** What happened to a dead letter a retry was asked for. */
export type RetryOutcome =
  /** Removed, and the consumer's checkpoint now lies before the event: it is delivered again. */
  | { status: 'retried'; checkpoint: string | null }
  | { status: 'not-found' }
  /** Cannot be redelivered (e.g. the consumer's checkpoint is not a global position); the reason says why. */
  | { status: 'not-retryable'; reason: string };

/** Consumers' state of one store. */
export interface ConsumerAdmin {
  /** Every consumer with a saved checkpoint, by name. */
  consumers(): Promise<ConsumerStatus[]>;
  /** Parked events, oldest first; only `consumer`'s when given. */
  deadLetters(consumer?: string): Promise<DeadLetterEntry[]>;
  /** Delivers a dead letter again to its consumer and removes it from the list. */
  retry(id: string): Promise<RetryOutcome>;
  /** Removes a dead letter for good; false when there was none with this id. */
  discard(id: string): Promise<boolean>;
}
