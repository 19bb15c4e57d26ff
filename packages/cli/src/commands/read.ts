/** `streamstore read <stream>`: a stream's events as a table or as JSON lines. */
import { type RecordedEvent, StreamNotFoundError } from '@streamstore/core';
import type { Command } from 'commander';
import { type CliIO, println, settingsOf, wholeNumber } from '../cli-io.js';
import { withStore } from '../open-store.js';
import { formatTable, formatTime, previewData } from '../terminal.js';

interface ReadFlags {
  from?: number;
  backwards?: boolean;
  max?: number;
  json?: boolean;
}

/** An event as one JSON line (binary data as base64). */
export function eventToJson(event: RecordedEvent): string {
  const data = event.data instanceof Uint8Array ? { base64: Buffer.from(event.data).toString('base64') } : event.data;
  return JSON.stringify({
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    id: event.id,
    type: event.type,
    data,
    metadata: event.metadata,
    timestamp: formatTime(event.timestamp),
    recordedAt: formatTime(event.recordedAt),
    schemaVersion: event.schemaVersion,
  });
}

/** Adds the `read` command to `program`. */
export function registerReadCommand(program: Command, io: CliIO): void {
  program
    .command('read')
    .description("read a stream's events, oldest first (or newest first with --backwards)")
    .argument('<stream>', 'stream id')
    .option('--from <revision>', 'start at this revision (inclusive)', wholeNumber(0))
    .option('--backwards', 'newest first')
    .option('--max <n>', 'read at most n events', wholeNumber(1))
    .option('--json', 'one JSON object per line')
    .addHelpText(
      'after',
      '\nExamples:\n  $ streamstore read account-01\n  $ streamstore read account-01 --backwards --max 5 --json',
    )
    .action(async (streamId: string, options: ReadFlags, command: Command) => {
      await withStore(settingsOf(command, io), { purpose: 'read', provision: false }, async ({ store }) => {
        const info = await store.getStream(streamId);
        if (!info) throw new StreamNotFoundError(streamId);
        const read = store.read(streamId, {
          direction: options.backwards ? 'backward' : 'forward',
          ...(options.from === undefined ? {} : { from: options.from }),
          ...(options.max === undefined ? {} : { maxCount: options.max }),
        });
        const rows: string[][] = [];
        for await (const event of read) {
          if (options.json) println(io, eventToJson(event));
          else {
            rows.push([
              String(event.revision),
              event.position ?? '-',
              event.type,
              event.id,
              formatTime(event.recordedAt),
              previewData(event.data),
            ]);
          }
        }
        if (options.json) return;
        for (const line of formatTable(['REV', 'POSITION', 'TYPE', 'ID', 'RECORDED', 'DATA'], rows)) println(io, line);
        println(io, `${rows.length} event(s) of ${streamId} (stream at revision ${info.revision})`);
      });
    });
}
