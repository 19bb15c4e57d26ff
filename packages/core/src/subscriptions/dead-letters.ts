import type { RecordedEvent } from '../model.js';

/** An event a handler could not process, parked with its error. */
export interface DeadLetter {
  consumer: string;
  streamId: string;
  revision: number;
  position?: string;
  eventId: string;
  type: string;
  error: string;
  attempts: number;
  failedAt: Date;
}

/** Where events that exhausted their retries are parked. */
export interface DeadLetterStore {
  park(consumer: string, event: RecordedEvent, error: unknown, attempts: number): Promise<void>;
  list(consumer?: string): Promise<DeadLetter[]>;
}

/** An in-process dead-letter store. */
export function memoryDeadLetterStore(): DeadLetterStore {
  const letters: DeadLetter[] = [];
  return {
    async park(consumer, event, error, attempts) {
      letters.push({
        consumer,
        streamId: event.streamId,
        revision: event.revision,
        ...(event.position === undefined ? {} : { position: event.position }),
        eventId: event.id,
        type: event.type,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        attempts,
        failedAt: new Date(),
      });
    },
    async list(consumer) {
      return letters.filter((letter) => consumer === undefined || letter.consumer === consumer);
    },
  };
}
