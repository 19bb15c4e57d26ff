/**
 * The child's acknowledgement log: one line per acknowledged commit, `ack <stream> <revision> <firstId> <count>`,
 * written only after the commit returned. What the log holds is what the application was promised.
 */

/** One acknowledged commit: its stream, the revision of its last event, its first event id and its size. */
export interface CrashAck {
  streamId: string;
  revision: number;
  firstId: string;
  count: number;
}

/** The log line of an acknowledged commit (with its newline). */
export function formatAck(ack: CrashAck): string {
  return `ack ${ack.streamId} ${ack.revision} ${ack.firstId} ${ack.count}\n`;
}

/** Parses one `ack ...` line (without newline); undefined when the line is something else. */
export function parseAckLine(line: string): CrashAck | undefined {
  const parts = line.split(' ');
  if (parts.length !== 5 || parts[0] !== 'ack') return undefined;
  const [, streamId, revision, firstId, count] = parts as [string, string, string, string, string];
  if (!/^[1-9]\d*$/.test(revision) || !/^[1-9]\d*$/.test(count)) return undefined;
  return { streamId, revision: Number(revision), firstId, count: Number(count) };
}

/** The acks of a whole log text. A last line without its newline was cut by the kill and is not an ack. */
export function parseAckLog(text: string): CrashAck[] {
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .map(parseAckLine)
    .filter((ack): ack is CrashAck => ack !== undefined);
}
