import {
  DuplicateEventError,
  type EventData,
  type ExpectedRevision,
  type RecordedEvent,
  StreamConcurrencyError,
  type StreamStore,
  ValidationError,
} from '@streamstore/core';
import type { ModelExpected } from './contract-rules.js';
import type { ModelAppendOutcome, ModelDeleteOutcome, ModelEvent, ModelEventInput } from './reference-model.js';

/** An outcome in a form both the model and a backend can produce, for deep comparison. */
export type Observed =
  | { kind: 'ok'; revision: number }
  | { kind: 'deleted'; deleted: boolean }
  | { kind: 'concurrency'; streamId: string; expected: ModelExpected; actual: number }
  | { kind: 'duplicate'; streamId: string; eventIds: string[] }
  | { kind: 'validation'; field: string }
  /** Anything else the backend threw: never expected by the model. */
  | { kind: 'unexpected error'; error: string };

/** One line describing an error: class, code and message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.constructor.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
  }
  return String(error);
}

/** The outcome of a failed call, as an {@link Observed}. */
export function observeError(error: unknown): Observed {
  if (error instanceof StreamConcurrencyError) {
    return { kind: 'concurrency', streamId: error.streamId, expected: error.expected, actual: error.actual };
  }
  if (error instanceof DuplicateEventError) return { kind: 'duplicate', streamId: error.streamId, eventIds: [...error.eventIds] };
  if (error instanceof ValidationError) return { kind: 'validation', field: error.field };
  return { kind: 'unexpected error', error: describeError(error) };
}

/** The model's append outcome as an {@link Observed}. */
export function fromModelAppend(outcome: ModelAppendOutcome): Observed {
  return outcome.kind === 'ok' ? { kind: 'ok', revision: outcome.revision } : outcome;
}

/** The model's delete outcome as an {@link Observed}. */
export function fromModelDelete(outcome: ModelDeleteOutcome): Observed {
  return outcome.kind === 'ok' ? { kind: 'deleted', deleted: outcome.deleted } : outcome;
}

/** The events of a model batch as the store takes them. */
export function toEventData(events: readonly ModelEventInput[]): EventData[] {
  return events.map((event) =>
    event.metadata === undefined
      ? { id: event.id, type: event.type, data: event.data }
      : { id: event.id, type: event.type, data: event.data, metadata: event.metadata as EventData['metadata'] },
  );
}

/** Appends through the public API and reports the outcome; `position` is the commit result's, if any. */
export async function observeAppend(
  store: StreamStore,
  streamId: string,
  expected: ModelExpected,
  events: readonly ModelEventInput[],
): Promise<{ observed: Observed; position?: string }> {
  try {
    const result = await store.append(streamId, expected as ExpectedRevision, toEventData(events));
    return result.position === undefined
      ? { observed: { kind: 'ok', revision: result.revision } }
      : { observed: { kind: 'ok', revision: result.revision }, position: result.position };
  } catch (error) {
    return { observed: observeError(error) };
  }
}

/** Deletes through the public API and reports the outcome. */
export async function observeDelete(
  store: StreamStore,
  streamId: string,
  expected: ModelExpected | undefined,
): Promise<Observed> {
  try {
    const deleted = await store.deleteStream(streamId, expected === undefined ? {} : { expected: expected as ExpectedRevision });
    return { kind: 'deleted', deleted };
  } catch (error) {
    return observeError(error);
  }
}

/** The comparable part of a read event. */
export interface EventEssentials {
  streamId: string;
  revision: number;
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

/** The comparable part of recorded events. */
export function essentialsOf(events: readonly RecordedEvent[]): EventEssentials[] {
  return events.map(({ streamId, revision, id, type, data, metadata }) => ({ streamId, revision, id, type, data, metadata }));
}

/** The comparable part of model events. */
export function modelEssentials(events: readonly ModelEvent[]): EventEssentials[] {
  return events.map(({ streamId, revision, id, type, data, metadata }) => ({ streamId, revision, id, type, data, metadata }));
}

/** Compact JSON for messages (undefined shown as such). */
export function show(value: unknown): string {
  return JSON.stringify(value, (_key, item) => (item === undefined ? '<undefined>' : item)) ?? String(value);
}
