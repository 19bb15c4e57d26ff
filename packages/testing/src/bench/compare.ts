/** Side-by-side comparison of two reports (`streamstore bench --compare a.json b.json`). */
import type { BenchReport, BenchResult } from './result.js';
import { formatNumber, formatRatio, readEventsPerSecond, textTable } from './table.js';

/** One matched pair of results. */
export interface ComparedPair {
  workload: string;
  /** `system` when both sides ran the same subject, `systemA vs systemB` otherwise. */
  system: string;
  a: BenchResult;
  b: BenchResult;
}

/**
 * Pairs the results of two reports: by workload and subject; a workload that each report ran on exactly one
 * (different) subject is paired too, so `--compare streamstore.json emmett.json` works.
 */
export function pairResults(a: BenchReport, b: BenchReport): ComparedPair[] {
  const pairs: ComparedPair[] = [];
  for (const left of a.results) {
    const exact = b.results.find(
      (right) => right.workload.name === left.workload.name && right.subject.name === left.subject.name,
    );
    if (exact) {
      pairs.push({ workload: left.workload.name, system: left.subject.name, a: left, b: exact });
      continue;
    }
    const sameWorkloadA = a.results.filter((result) => result.workload.name === left.workload.name);
    const sameWorkloadB = b.results.filter((result) => result.workload.name === left.workload.name);
    const [right] = sameWorkloadB;
    if (sameWorkloadA.length === 1 && sameWorkloadB.length === 1 && right) {
      pairs.push({ workload: left.workload.name, system: `${left.subject.name} vs ${right.subject.name}`, a: left, b: right });
    }
  }
  return pairs;
}

/** The comparison table: for each pair, A and B side by side with the ratio B/A of each metric. */
export function compareTable(a: BenchReport, b: BenchReport): string[] {
  const pairs = pairResults(a, b);
  const header = [
    'workload',
    'system',
    'ev/s A',
    'ev/s B',
    'B/A',
    'p50 A',
    'p50 B',
    'B/A',
    'p99 A',
    'p99 B',
    'B/A',
    'p99.9 B/A',
    'read ev/s B/A',
    'ev/CPU-s B/A',
  ];
  const rows = pairs.map(({ workload, system, a: left, b: right }) => [
    workload,
    system,
    formatNumber(left.writes.eventsPerSecond),
    formatNumber(right.writes.eventsPerSecond),
    formatRatio(right.writes.eventsPerSecond, left.writes.eventsPerSecond),
    formatNumber(left.latency.commit.p50Ms, 2),
    formatNumber(right.latency.commit.p50Ms, 2),
    formatRatio(right.latency.commit.p50Ms, left.latency.commit.p50Ms),
    formatNumber(left.latency.commit.p99Ms, 2),
    formatNumber(right.latency.commit.p99Ms, 2),
    formatRatio(right.latency.commit.p99Ms, left.latency.commit.p99Ms),
    formatRatio(right.latency.commit.p999Ms, left.latency.commit.p999Ms),
    formatRatio(readEventsPerSecond(right), readEventsPerSecond(left)),
    formatRatio(right.cpu.eventsPerCpuSecond, left.cpu.eventsPerCpuSecond),
  ]);
  return textTable(header, rows);
}
