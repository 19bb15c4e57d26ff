import { type StreamMetadata, StreamMetadataConcurrencyError, type StreamStore } from '@streamstore/core';
import { MODEL_STREAMS, type ModelCommand } from './commands.js';
import { describeError, show } from './observe.js';
import {
  type ModelMetadata,
  type ModelMetadataOutcome,
  SYSTEM_DELETE,
  SYSTEM_TRUNCATE,
  type TenantModel,
} from './reference-model.js';

/** What a metadata write did, as the model states it: the new metadata revision, a conflict, or another error. */
export type ObservedMetadataWrite = ModelMetadataOutcome | { kind: 'unexpected error'; error: string };

/** A metadata write run against a store and the model: the outcome each gave, and the call as the trace shows it. */
export interface MetadataStep {
  call: string;
  observed: ObservedMetadataWrite;
  modelled: ObservedMetadataWrite;
}

/**
 * Runs a `setMetadata` command on `store` and on `model`: builds the settings, resolves the expected metadata revision
 * (the current one, a stale one, 'any' or 'none') from the model, and reports both outcomes for the caller to compare.
 */
export async function runSetMetadata(
  store: StreamStore,
  model: TenantModel,
  command: Extract<ModelCommand, { op: 'setMetadata' }>,
): Promise<MetadataStep> {
  const streamId = MODEL_STREAMS[command.stream] as string;
  const settings: ModelMetadata = {};
  if (command.maxCount !== null) settings.maxCount = command.maxCount;
  if (command.truncateBefore !== null) settings.truncateBefore = command.truncateBefore;
  if (command.custom !== null) settings.custom = { v: command.custom };
  const current = model.metadataRevision(streamId);
  let expected: number | 'any' | 'none';
  if (command.expected === 'current') expected = current;
  else if (command.expected === 'stale') expected = current > 0 ? current - 1 : current + 1;
  else expected = command.expected;
  const call = `setStreamMetadata('${streamId}', ${show(settings)}, { expected: ${show(expected)} })`;
  let observed: ObservedMetadataWrite;
  try {
    observed = { kind: 'ok', revision: await store.setStreamMetadata(streamId, settings as StreamMetadata, { expected }) };
  } catch (error) {
    observed =
      error instanceof StreamMetadataConcurrencyError
        ? { kind: 'concurrency', actual: error.actual }
        : { kind: 'unexpected error', error: describeError(error) };
  }
  const modelled = model.setMetadata(streamId, expected === 'none' ? 0 : expected, settings);
  return { call, observed, modelled };
}

/** An event of the log in the shape the model and the store are compared in. */
interface LogEntry {
  streamId: string;
  revision: number;
  id: string;
  type: string;
  data: unknown;
}

/** JSON with the object keys sorted, so that documents with the same content compare equal. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
}

/**
 * How an event of the global log is compared with the model: `stream@revision:id`, and for a system event (whose id
 * is the backend's own) `stream@revision:type` followed by its data.
 */
export function logEntry(event: LogEntry): string {
  const system = event.type === SYSTEM_DELETE || event.type === SYSTEM_TRUNCATE;
  return `${event.streamId}@${event.revision}:${system ? `${event.type}${canonical(event.data)}` : event.id}`;
}
