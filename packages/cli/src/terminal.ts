/** Output helpers: colors only on a TTY (and never with NO_COLOR), aligned tables, short previews. */

/** The styles the command uses. On a pipe every style is the identity. */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
}

const ANSI = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], magenta: [35, 39] };

/** Whether `stream` should get colors and progress bars. */
export function isInteractive(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true;
}

/** A palette for `stream`: ANSI colors on a TTY unless NO_COLOR is set, plain text otherwise. */
export function paletteFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Palette {
  const enabled = isInteractive(stream) && !env.NO_COLOR;
  const style =
    (codes: number[]) =>
    (text: string): string =>
      enabled ? `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m` : text;
  return {
    bold: style(ANSI.bold),
    dim: style(ANSI.dim),
    red: style(ANSI.red),
    green: style(ANSI.green),
    yellow: style(ANSI.yellow),
    cyan: style(ANSI.cyan),
    magenta: style(ANSI.magenta),
  };
}

/** Formats rows as left-aligned columns separated by two spaces, a header first. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `text` cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** A one-line preview of event data. */
export function previewData(data: unknown, max = 60): string {
  if (data instanceof Uint8Array) return `<${data.byteLength} bytes>`;
  let text: string;
  try {
    text = JSON.stringify(data) ?? String(data);
  } catch {
    text = String(data);
  }
  return truncate(text, max);
}

/** A date as ISO 8601 (UTC, milliseconds). */
export function formatTime(date: Date): string {
  return date.toISOString();
}
