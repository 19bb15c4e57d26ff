/**
 * `streamstore bench` through the real binary on memory and SQLite with a tiny workload (seconds), and the workload
 * engine's seeded stream choice. Nothing here asserts a speed: only shapes, counts and determinism.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStorage } from '@streamstore/core';
import { deriveSeed, parseWorkloads, runWorkload, seededRandom, streamPicker, withCapabilities } from '@streamstore/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const cwd = tempDir();

function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );
}

/** The binary loads the kit from packages/testing/dist: rebuild it when its sources are newer. */
function ensureKitBuilt(): void {
  const built = join(repoRoot, 'packages/testing/dist/bench/index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(repoRoot, 'packages/testing/src'))) return;
  execFileSync('npx', ['tsc', '-b', 'packages/core', 'packages/testing'], { cwd: repoRoot, stdio: 'inherit' });
}

const TINY = [
  {
    name: 'tiny-mixed',
    streams: 8,
    writers: 2,
    eventsPerCommit: 5,
    conflictRate: 0.2,
    prefillEventsPerStream: 5,
    readers: { stream: 1, backward: 1, global: 1 },
    durationSeconds: 0.5,
  },
  { name: 'tiny-growth', streams: 10, distribution: 'uniform', eventsPerCommit: 20, totalEvents: 1000, chunkEvents: 250 },
];

beforeAll(async () => {
  ensureKitBuilt();
  await ensureBuilt(['testing']);
  writeFileSync(join(cwd, 'tiny.json'), JSON.stringify(TINY));
}, 240_000);
afterAll(() => removeDir(cwd));

function readJson(file: string) {
  return JSON.parse(readFileSync(join(cwd, file), 'utf8'));
}

describe('streamstore bench', () => {
  it('runs a workload file on memory and writes a JSON report of the documented shape', async () => {
    const run = await runCli(['bench', '--backend', 'memory', '--workload', 'tiny.json', '--json', 'out/memory.json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^workload +system +events\/s +commits\/s +p50 ms +p90 ms +p99 ms +p99\.9 ms/m);
    expect(run.stdout).toMatch(/^tiny-mixed +streamstore\/memory /m);
    expect(run.stdout).toContain('Growth: events/s per chunk');
    expect(run.stdout).toMatch(/load average \(1\/5\/15 min\) at start [0-9.]+ \/ [0-9.]+ \/ [0-9.]+/);
    // Piped: no progress bar, no colors.
    expect(run.stdout).not.toContain('\u001b[');

    const report = readJson('out/memory.json');
    expect(report.format).toBe('streamstore-bench/1');
    expect(report.command).toContain('streamstore bench --backend memory');
    expect(report.results).toHaveLength(2);
    const [mixed, growth] = report.results;
    expect(mixed.subject).toMatchObject({ name: 'streamstore/memory', backend: 'memory', capabilities: { globalOrder: true } });
    expect(mixed.workload).toMatchObject({ name: 'tiny-mixed', seed: 42, streams: 8, conflictRate: 0.2 });
    expect(mixed.environment).toMatchObject({ node: process.version, backend: 'memory' });
    expect(mixed.environment.cores).toBeGreaterThan(0);
    expect(mixed.environment.loadAverage).toHaveLength(3);
    expect(mixed.writes.events).toBe(mixed.writes.commits * 5);
    expect(mixed.writes.eventsPerSecond).toBeGreaterThan(0);
    expect(mixed.writes.conflicts.injected).toBeGreaterThan(0);
    for (const key of ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms']) expect(mixed.latency.commit[key]).toBeGreaterThan(0);
    expect(mixed.latency.commit.count).toBe(mixed.writes.commits);
    expect(mixed.latency.catchUp.count).toBeGreaterThan(0);
    for (const kind of ['stream', 'backward', 'global']) expect(mixed.reads[kind].operations).toBeGreaterThan(0);
    expect(mixed.cpu.userSeconds + mixed.cpu.systemSeconds).toBeGreaterThan(0);
    expect(mixed.timeline.length).toBeGreaterThan(0);
    expect(growth.writes.events).toBe(1000);
    // A chunk ends with the commit (of 20 events) that crosses each multiple of 250.
    const ends = growth.growth.chunks.map((chunk: { eventsAtEnd: number }) => chunk.eventsAtEnd);
    expect(ends).toEqual([260, 500, 760, 1000]);
  });

  it('runs on SQLite with --chart: a self-contained HTML file with SVG next to the JSON', async () => {
    const run = await runCli(
      ['bench', '--backend', 'sqlite', '--workload', 'tiny.json', '--json', 'out/sqlite.json', '--chart'],
      { cwd },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^tiny-growth +streamstore\/sqlite /m);
    expect(run.stdout).toMatch(/serverVersion SQLite \d+\.\d+/);
    const html = readFileSync(join(cwd, 'out/sqlite.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('commit latency distribution');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(readJson('out/sqlite.json').results[0].subject.name).toBe('streamstore/sqlite');
    // Nothing is left in the working directory but what was asked for.
    expect(existsSync(join(cwd, '.streamstore'))).toBe(false);
  });

  it("runs Emmett's SQLite store as a peer next to SQLite, with a ratio column, and removes its files", async () => {
    const run = await runCli(
      ['bench', '--backend', 'sqlite', '--workload', 'tiny.json', '--peers', 'emmett', '--json', 'out/peer.json'],
      { cwd },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^workload +system .* vs emmett\/sqlite$/m);
    expect(run.stdout).toMatch(/^tiny-mixed +streamstore\/sqlite .* [\d.]+×$/m);
    expect(run.stdout).toMatch(/^tiny-mixed +emmett\/sqlite .* 1\.00×$/m);
    const results = readJson('out/peer.json').results;
    const peer = results.find((result: { subject: { name: string } }) => result.subject.name === 'emmett/sqlite');
    expect(peer.subject).toMatchObject({ backend: 'sqlite', capabilities: { globalOrder: true, backwardRead: false } });
    expect(peer.environment.backendPackage).toMatch(/^@event-driven-io\/emmett-sqlite@\d+\.\d+\.\d+$/);
    expect(peer.writes.commits).toBeGreaterThan(0);
    expect(peer.reads.global.operations).toBeGreaterThan(0);
    const directory = String(peer.environment.target).replace('temporary files in ', '');
    expect(directory).toContain('streamstore-bench-emmett-');
    expect(existsSync(directory)).toBe(false);
  });

  it('compares two reports side by side with ratios', async () => {
    const run = await runCli(['bench', '--compare', 'out/memory.json', 'out/sqlite.json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^workload +system +ev\/s A +ev\/s B +B\/A/m);
    expect(run.stdout).toMatch(/^tiny-mixed +streamstore\/memory vs streamstore\/sqlite +[\d,]+ +[\d,]+ +[\d.]+×/m);
    expect(run.stdout).toMatch(/^tiny-growth /m);
  });

  it('exits 2 on bad usage', async () => {
    for (const args of [
      ['bench', '--chart'],
      ['bench', '--compare', 'out/memory.json'],
      ['bench', '--backend', 'memory', '--peers', 'emmett'],
      ['bench', '--backend', 'memory', '--peers', 'nobody'],
      ['bench', '--no-such-flag'],
    ]) {
      const run = await runCli(args, { cwd });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('error:');
    }
  });

  it('prints its help', async () => {
    const run = await runCli(['bench', '--help'], { cwd });
    expect(run.code).toBe(0);
    for (const flag of ['--workload', '--json', '--chart', '--peers', '--compare', '--backend'])
      expect(run.stdout).toContain(flag);
  });
});

describe('benchmark workload engine', () => {
  it('chooses the same streams for the same seed, and other streams for another seed', () => {
    const sequence = (seed: number) => {
      const pick = streamPicker(seededRandom(deriveSeed(seed, 'writer', 0)), 100, 'zipf', 1);
      return Array.from({ length: 200 }, pick);
    };
    expect(sequence(7)).toEqual(sequence(7));
    expect(sequence(7)).not.toEqual(sequence(8));
    const writer = (index: number) =>
      Array.from({ length: 50 }, streamPicker(seededRandom(deriveSeed(7, 'writer', index)), 100, 'uniform'));
    expect(writer(0)).not.toEqual(writer(1));
  });

  it('skews Zipf choices towards the first streams and spreads uniform ones', () => {
    const draws = 100_000;
    const histogram = (distribution: 'zipf' | 'uniform') => {
      const counts = new Array<number>(100).fill(0);
      const pick = streamPicker(seededRandom(1), 100, distribution, 1);
      for (let i = 0; i < draws; i++) {
        const stream = pick();
        counts[stream] = (counts[stream] ?? 0) + 1;
      }
      return counts.map((count) => count / draws);
    };
    const zipf = histogram('zipf');
    const harmonic = Array.from({ length: 100 }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
    expect(zipf[0]).toBeCloseTo(1 / harmonic, 2); // about 0.19
    expect(zipf[1]).toBeCloseTo(1 / (2 * harmonic), 2);
    expect((zipf[0] as number) / (zipf[99] as number)).toBeGreaterThan(50);
    const uniform = histogram('uniform');
    for (const share of uniform) expect(share).toBeGreaterThan(0.007);
    for (const share of uniform) expect(share).toBeLessThan(0.013);
  });

  it('runs a workload in-process: counts add up, the growth target is met exactly, unusable readers are noted', async () => {
    const [mixed, growth] = parseWorkloads(JSON.stringify(TINY));
    const onProgress: number[] = [];
    const result = await runWorkload(
      () => memoryStorage(),
      { ...mixed, name: 'in-process', durationSeconds: 0.3 },
      {
        onProgress: (progress) => onProgress.push(progress.fraction),
        timelineIntervalMs: 50,
      },
    );
    expect(result.writes.events).toBe(result.writes.commits * 5);
    expect(result.latency.write.count).toBe(result.writes.commits);
    expect(result.latency.conflict.count).toBe(result.writes.conflicts.injected + result.writes.conflicts.natural);
    expect(onProgress.length).toBeGreaterThan(0);
    expect(result.notes).toEqual([]);

    const limited = await runWorkload(() => withCapabilities(memoryStorage(), { backwardRead: false, globalOrder: false }), {
      ...mixed,
      name: 'limited',
      durationSeconds: 0.2,
    });
    expect(limited.reads.backward).toMatchObject({ readers: 0, operations: 0, skipped: expect.stringContaining('backward') });
    expect(limited.reads.global).toMatchObject({ readers: 0, operations: 0, skipped: expect.stringContaining('globalOrder') });
    expect(limited.reads.stream.operations).toBeGreaterThan(0);
    // (Two writers on a Zipf-hot stream may also give a write up after 10 conflicts in a row: a note of its own.)
    expect(limited.notes.filter((note) => note.startsWith('reader skipped'))).toHaveLength(2);

    const grown = await runWorkload(() => memoryStorage(), growth as NonNullable<typeof growth>);
    expect(grown.writes.events).toBe(1000);
    expect(grown.growth?.chunks).toHaveLength(4);
  });

  it('rejects a bad workload file with the field named', () => {
    expect(() => parseWorkloads('{"name": "x", "writers": 0}')).toThrow(/writers must be a whole number >= 1/);
    expect(() => parseWorkloads('{"name": "x", "wrtiers": 2}')).toThrow(/Unknown workload field 'wrtiers'/);
    expect(() => parseWorkloads('{"name": "x", "conflictRate": 2}')).toThrow(/conflictRate/);
    expect(() => parseWorkloads('not json')).toThrow(/not valid JSON/);
  });
});
