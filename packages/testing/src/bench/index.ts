/**
 * Benchmark workloads defined once for any storage: seeded stream choice (uniform or Zipf), commit size, concurrent
 * writers, conflict injection with user-style retries, readers alongside writers, growth runs; HDR latency
 * histograms, throughput, CPU time and the environment in every result; tables, comparisons and HTML charts.
 */
export { eventFactory, streamName } from './actors.js';
export { renderChartHtml } from './chart.js';
export { type ComparedPair, compareTable, pairResults } from './compare.js';
export { type EmmettPeerOptions, emmettPostgresPeer } from './emmett-peer.js';
export { type EmmettSqlitePeerOptions, emmettSqlitePeer } from './emmett-sqlite-peer.js';
export { type BenchEnvironment, collectEnvironment } from './environment.js';
export { LatencyRecorder, type LatencySummary } from './latency.js';
export {
  deriveSeed,
  type RandomSource,
  type StreamDistribution,
  type StreamPicker,
  seededRandom,
  streamPicker,
} from './random.js';
export {
  asBenchReport,
  BENCH_FORMAT,
  type BenchReport,
  type BenchResult,
  benchReport,
  type GrowthChunk,
  type ReaderResult,
  type TimelinePoint,
} from './result.js';
export { type BenchProgress, type RunWorkloadOptions, runWorkload, type SubjectSource } from './run-workload.js';
export { coreVersion, streamStoreSubject } from './streamstore-subject.js';
export { type BenchAppendOutcome, type BenchEvent, type BenchSubject, isBenchSubject } from './subject.js';
export { environmentLines, formatNumber, formatRatio, growthTable, resultsTable, textTable } from './table.js';
export {
  parseWorkloads,
  type ReaderCounts,
  resolveWorkload,
  standardWorkloads,
  WORKLOAD_DEFAULTS,
  type Workload,
  type WorkloadInput,
} from './workload.js';
