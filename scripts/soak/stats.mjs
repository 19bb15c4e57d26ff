// Counters, latency histograms and memory samples of one soak run, and the periodic report line.
import hdr from 'hdr-histogram-js';

const newHistogram = () =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const ms = (micros) => (micros / 1000).toFixed(1);

/** What one backend's run has done so far. Latencies are recorded in microseconds. */
export class SoakStats {
  commits = 0;
  events = 0;
  conflicts = 0;
  /** Commits abandoned after too many conflicts in a row (not an error: hot streams under many writers). */
  gaveUp = 0;
  reads = 0;
  tailed = 0;
  /** Unexpected errors by code (`error.code`, else the error's name). */
  errors = new Map();
  /** Consistency problems seen by readers or the tailer while running. */
  problems = [];
  commitLatency = newHistogram();
  readLatency = newHistogram();
  /** Memory samples `{ at, rss, heapUsed }` (one per report). */
  memory = [];
  #window = { commits: 0, at: performance.now(), commitLatency: newHistogram(), readLatency: newHistogram() };

  recordCommit(micros, events) {
    this.commits++;
    this.events += events;
    this.commitLatency.recordValue(Math.max(1, Math.round(micros)));
    this.#window.commitLatency.recordValue(Math.max(1, Math.round(micros)));
  }

  recordRead(micros) {
    this.reads++;
    this.readLatency.recordValue(Math.max(1, Math.round(micros)));
    this.#window.readLatency.recordValue(Math.max(1, Math.round(micros)));
  }

  recordError(error) {
    const code = error?.code ?? error?.name ?? 'unknown';
    const entry = this.errors.get(code) ?? { count: 0, first: String(error?.stack ?? error) };
    entry.count++;
    this.errors.set(code, entry);
  }

  problem(text) {
    if (this.problems.length < 50) this.problems.push(text);
  }

  get errorCount() {
    let total = 0;
    for (const { count } of this.errors.values()) total += count;
    return total;
  }

  /** One report line for the window since the previous call, with a memory sample. */
  report(backend, elapsedSeconds) {
    const now = performance.now();
    const window = this.#window;
    const seconds = (now - window.at) / 1000;
    const rate = (this.commits - window.commits) / seconds;
    const { rss, heapUsed } = process.memoryUsage();
    this.memory.push({ at: elapsedSeconds, rss, heapUsed });
    const errors = [...this.errors].map(([code, { count }]) => `${code}:${count}`).join(',') || 'none';
    const line =
      `[${backend.padEnd(9)} ${String(Math.round(elapsedSeconds)).padStart(4)}s] ` +
      `commits ${this.commits} (${rate.toFixed(0)}/s) events ${this.events} conflicts ${this.conflicts} ` +
      `reads ${this.reads} tailed ${this.tailed} errors ${errors} | ` +
      `p99 commit ${ms(window.commitLatency.getValueAtPercentile(99))} ms read ${ms(window.readLatency.getValueAtPercentile(99))} ms | ` +
      `rss ${mb(rss)} MB heapUsed ${mb(heapUsed)} MB`;
    this.#window = { commits: this.commits, at: now, commitLatency: newHistogram(), readLatency: newHistogram() };
    return line;
  }

  /** Totals for the final summary (JSON-friendly). */
  summary() {
    return {
      commits: this.commits,
      events: this.events,
      conflicts: this.conflicts,
      gaveUp: this.gaveUp,
      reads: this.reads,
      tailed: this.tailed,
      errors: Object.fromEntries([...this.errors].map(([code, { count }]) => [code, count])),
      commitP50Ms: Number(ms(this.commitLatency.getValueAtPercentile(50))),
      commitP99Ms: Number(ms(this.commitLatency.getValueAtPercentile(99))),
      commitMaxMs: Number(ms(this.commitLatency.maxValue)),
      readP99Ms: Number(ms(this.readLatency.getValueAtPercentile(99))),
    };
  }
}

export { mb };
