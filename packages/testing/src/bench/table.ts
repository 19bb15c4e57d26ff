/** Plain-text tables of results: the end-of-run table, growth chunks, and comparisons. */
import type { BenchResult } from './result.js';

/** Formats rows as columns separated by two spaces; numeric-looking cells are right-aligned. */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = (cell: string) => /^[-+]?[0-9.,]+( ?[a-z%×/]+)?$|^-$/.test(cell);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return numeric(cell) && column > 0 ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** A number for a table: thousands separated, `digits` decimals; '-' for nothing. */
export function formatNumber(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio for a table (`1.23×`), '-' when either side is missing or zero. */
export function formatRatio(numerator: number | undefined, denominator: number | undefined): string {
  if (!numerator || !denominator || !Number.isFinite(numerator / denominator)) return '-';
  return `${(numerator / denominator).toFixed(2)}×`;
}

/** Events/s read by all readers of a result. */
export function readEventsPerSecond(result: BenchResult): number {
  const { stream, backward, global } = result.reads;
  return stream.eventsPerSecond + backward.eventsPerSecond + global.eventsPerSecond;
}

/**
 * The end-of-run table: one row per result. With `peer` (a subject name such as `emmett/postgres`), a last column
 * gives each row's write throughput as a multiple of the peer's on the same workload. With several peers, each row is
 * compared with the peer on its own backend (`emmett/sqlite` for SQLite rows), else with the first one.
 */
export function resultsTable(results: readonly BenchResult[], options: { peer?: string | readonly string[] } = {}): string[] {
  const peers = options.peer === undefined ? [] : typeof options.peer === 'string' ? [options.peer] : [...options.peer];
  const peerResult = (workload: string, name: string | undefined) =>
    results.find((result) => result.workload.name === workload && result.subject.name === name);
  const peerOf = (row: BenchResult) =>
    peers.length === 0
      ? undefined
      : (peers.map((name) => peerResult(row.workload.name, name)).find((peer) => peer?.subject.backend === row.subject.backend) ??
        peerResult(row.workload.name, peers[0]));
  const header = [
    'workload',
    'system',
    'events/s',
    'commits/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'p99.9 ms',
    'conflicts',
    'read ev/s',
    'ev/CPU-s',
  ];
  if (peers.length > 0) header.push(`vs ${peers.join(' / ')}`);
  const rows = results.map((result) => {
    const { writes, latency } = result;
    const row = [
      result.workload.name,
      result.subject.name,
      formatNumber(writes.eventsPerSecond),
      formatNumber(writes.commitsPerSecond),
      formatNumber(latency.commit.p50Ms, 2),
      formatNumber(latency.commit.p90Ms, 2),
      formatNumber(latency.commit.p99Ms, 2),
      formatNumber(latency.commit.p999Ms, 2),
      formatNumber(writes.conflicts.injected + writes.conflicts.natural),
      formatNumber(readEventsPerSecond(result)),
      formatNumber(result.cpu.eventsPerCpuSecond),
    ];
    if (peers.length > 0) row.push(formatRatio(writes.eventsPerSecond, peerOf(result)?.writes.eventsPerSecond));
    return row;
  });
  return textTable(header, rows);
}

/** Growth runs: events/s per chunk, and the last chunk's throughput relative to the first (1.00 = flat). */
export function growthTable(results: readonly BenchResult[]): string[] {
  const growing = results.filter((result) => result.growth);
  if (growing.length === 0) return [];
  const chunks = Math.max(...growing.map((result) => result.growth?.chunks.length ?? 0));
  const header = ['workload', 'system', ...Array.from({ length: chunks }, (_, i) => `#${i + 1}`), 'last/first', 'events'];
  const rows = growing.map((result) => [
    result.workload.name,
    result.subject.name,
    ...Array.from({ length: chunks }, (_, i) => formatNumber(result.growth?.chunks[i]?.eventsPerSecond)),
    result.growth ? result.growth.lastToFirstRatio.toFixed(2) : '-',
    formatNumber(result.writes.events),
  ]);
  return textTable(header, rows);
}

/** The environment block as `key: value` lines (load average included: other work on the machine shows there). */
export function environmentLines(result: BenchResult): string[] {
  const env = result.environment;
  const lines = [
    `node ${env.node} on ${env.platform}/${env.arch} (${env.osRelease}), ${env.cores} × ${env.cpuModel}, ${formatNumber(env.totalMemoryMb)} MiB`,
    `load average (1/5/15 min) at start ${env.loadAverage.join(' / ')}${Array.isArray(env.loadAverageAtEnd) ? `, at end ${(env.loadAverageAtEnd as number[]).join(' / ')}` : ''}`,
  ];
  const extras = Object.entries(env).filter(
    ([key]) =>
      ![
        'node',
        'v8',
        'platform',
        'arch',
        'osRelease',
        'cpuModel',
        'cores',
        'totalMemoryMb',
        'freeMemoryMb',
        'loadAverage',
        'loadAverageAtEnd',
      ].includes(key),
  );
  if (extras.length > 0) lines.push(extras.map(([key, value]) => `${key} ${String(value)}`).join(', '));
  return lines;
}
