/**
 * `streamstore bench`: runs the benchmark kit's workloads (@streamstore/testing) on one backend, each in a scratch
 * namespace of its own (a temporary SQLite file, a PostgreSQL schema, a Cassandra keyspace, an S3 prefix) removed
 * afterwards; optionally Emmett's store on the same backend (PostgreSQL or SQLite); a table at the end, JSON and an
 * HTML chart on request. `--compare a.json b.json` prints two reports side by side.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { BenchProgress, BenchResult, SubjectSource, Workload } from '@streamstore/testing';
import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import { redactUrl } from '../backends.js';
import { type CliIO, println, settingsOf, wholeNumber } from '../cli-io.js';
import type { Settings } from '../config.js';
import { isInteractive } from '../terminal.js';
import { type BenchKit, benchKit } from './bench-kit.js';
import { emmettPeerTarget, emmettSubjectName, hasEmmettPeer, PEERS, type PeerTarget } from './bench-peers.js';
import { scratchTarget } from './bench-scratch.js';

interface BenchFlags {
  workload?: string;
  json?: string;
  chart?: boolean;
  peers?: string[];
  compare?: string[];
  growthEvents?: number;
}

/** A progress bar on a TTY, nothing on a pipe. */
function progressBar(io: CliIO) {
  if (!isInteractive(io.stdout)) return { update: (_: BenchProgress) => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(progress: BenchProgress) {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream: io.stdout,
            format: '  {subject} {workload} {phase} [{bar}] {percentage}% | {events} events | {eps} ev/s',
            hideCursor: true,
            clearOnComplete: true,
            barsize: 25,
            fps: 8,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(100, 0, { subject: progress.subject, workload: progress.workload, phase: progress.phase, events: 0, eps: 0 });
      }
      bar.update(Math.round(progress.fraction * 100), {
        subject: progress.subject,
        workload: progress.workload,
        phase: progress.phase,
        events: progress.eventsWritten.toLocaleString('en-US'),
        eps: Math.round(progress.eventsPerSecond).toLocaleString('en-US'),
      });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** The command line as typed, passwords of connection strings hidden (it goes into the JSON). */
function commandLine(): string {
  const args = process.argv.slice(2).map((arg) => (/^[a-z0-9]+:\/\//.test(arg) ? redactUrl(arg) : arg));
  return ['streamstore', ...args].join(' ');
}

function readReport(kit: BenchKit, file: string, cwd: string) {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return kit.asBenchReport(JSON.parse(text), path);
  } catch (error) {
    throw new Error(error instanceof SyntaxError ? `${path} is not valid JSON: ${error.message}` : (error as Error).message);
  }
}

function printCompare(kit: BenchKit, io: CliIO, files: string[]): void {
  const [a, b] = files.map((file) => readReport(kit, file, io.cwd)) as [
    ReturnType<typeof readReport>,
    ReturnType<typeof readReport>,
  ];
  println(io, `A: ${files[0]} (${a.createdAt})`);
  println(io, `B: ${files[1]} (${b.createdAt})`);
  println(io);
  const lines = kit.compareTable(a, b);
  if (lines.length <= 2) println(io, 'No workload appears in both reports.');
  else for (const line of lines) println(io, line);
  println(io);
  println(io, 'B/A above 1: B wrote more events/s, or had higher latency (ms columns), than A.');
}

/** Runs every workload on the backend (and the peers), StreamStore then each peer, workload by workload. */
async function runAll(
  kit: BenchKit,
  settings: Settings,
  workloads: Workload[],
  flags: BenchFlags,
  io: CliIO,
): Promise<BenchResult[]> {
  const tag = `${Date.now().toString(36).slice(-5)}${randomBytes(2).toString('hex')}`;
  const target = scratchTarget(settings, tag);
  const progress = progressBar(io);
  const results: BenchResult[] = [];
  let peer: PeerTarget | undefined;
  try {
    const environment = await target.environment();
    if (flags.peers?.includes('emmett')) peer = emmettPeerTarget(settings, tag, environment);
    for (const workload of workloads) {
      const subjects: Array<[SubjectSource, Record<string, unknown>]> = [[() => target.storage(), environment]];
      if (peer) subjects.push([peer.next(), peer.environment]);
      for (const [source, extra] of subjects) {
        try {
          results.push(await kit.runWorkload(source, workload, { onProgress: progress.update, environment: extra }));
        } finally {
          progress.stop();
        }
      }
    }
  } finally {
    peer?.cleanup();
    await target.cleanup().catch((error: unknown) => io.stderr.write(`warning: cleanup failed: ${(error as Error).message}\n`));
  }
  return results;
}

function printResults(kit: BenchKit, io: CliIO, results: BenchResult[], peer: string | undefined): void {
  const [first] = results;
  if (first) for (const line of kit.environmentLines(first)) println(io, line);
  println(io);
  for (const line of kit.resultsTable(results, peer ? { peer } : {})) println(io, line);
  const growth = kit.growthTable(results);
  if (growth.length > 0) {
    println(io);
    println(io, 'Growth: events/s per chunk (last/first near 1.00 = flat as the store grows)');
    for (const line of growth) println(io, line);
  }
  const notes = results.flatMap((result) =>
    result.notes.map((note) => `${result.workload.name}, ${result.subject.name}: ${note}`),
  );
  if (notes.length > 0) println(io);
  for (const note of [...new Set(notes)]) println(io, `note: ${note}`);
}

/** Adds the `bench` command to `program`. */
export function registerBenchCommand(program: Command, io: CliIO): void {
  program
    .command('bench')
    .description(
      'benchmark a backend with seeded workloads (writers, conflicts, readers, growth) in scratch namespaces; ' +
        'a table at the end, JSON and an HTML chart on request; --compare two JSON reports',
    )
    .option('--workload <file>', 'workload JSON: one workload, an array, or {"workloads": [...]} (default: the standard set)')
    .option('--json <file>', 'write the results as a JSON report')
    .option('--chart', 'also write a self-contained HTML chart next to the JSON (<file>.html)')
    .addOption(
      new Option(
        '--peers <names>',
        `comparison peers on the same backend, comma-separated (${PEERS.join(', ')}: Emmett's PostgreSQL or SQLite store)`,
      ).argParser((value) => value.split(',').map((name) => name.trim())),
    )
    .option('--compare <files...>', 'print two JSON reports side by side with ratios (no benchmark is run)')
    .option('--growth-events <n>', 'events of the standard growth workload (default 200000)', wholeNumber(1))
    .addHelpText(
      'after',
      '\nEach workload runs in a new scratch namespace (temporary SQLite file, PostgreSQL schema, Cassandra keyspace, ' +
        'S3 prefix)\nthat is removed afterwards; --file, --schema and --tenant are not used.\n' +
        '\nExamples:\n  $ streamstore bench --backend memory\n  $ streamstore bench --backend sqlite --json out/sqlite.json --chart\n' +
        '  $ streamstore bench --backend postgres --url postgres://postgres@127.0.0.1:5432/test --peers emmett\n' +
        '  $ streamstore bench --backend sqlite --peers emmett\n' +
        '  $ streamstore bench --backend sqlite --growth-events 5000000 --json growth.json\n' +
        '  $ streamstore bench --compare before.json after.json',
    )
    .action(async (flags: BenchFlags, command: Command) => {
      const kit = await benchKit();
      if (flags.compare !== undefined) {
        if (flags.compare.length !== 2) command.error('error: --compare takes exactly two JSON files');
        printCompare(kit, io, flags.compare);
        return;
      }
      if (flags.chart && !flags.json) command.error('error: --chart writes next to the JSON: pass --json <file> too');
      for (const peer of flags.peers ?? []) {
        if (!(PEERS as readonly string[]).includes(peer))
          command.error(`error: unknown peer '${peer}' (known: ${PEERS.join(', ')})`);
      }
      const settings = settingsOf(command, io);
      if (flags.peers?.length && !hasEmmettPeer(settings.backend)) {
        command.error(`error: --peers emmett runs Emmett's store on the same backend: use --backend postgres or sqlite`);
      }
      if (['postgres', 'cassandra', 's3'].includes(settings.backend) && !settings.url) {
        command.error(`error: the ${settings.backend} backend needs --url (or STREAMSTORE_URL)`);
      }
      const workloads = flags.workload
        ? kit.parseWorkloads(readFileSync(resolve(io.cwd, flags.workload), 'utf8'))
        : kit.standardWorkloads(
            flags.growthEvents === undefined ? {} : { growthEvents: flags.growthEvents, growthMaxSeconds: 3600 },
          );
      const results = await runAll(kit, settings, workloads, flags, io);
      printResults(kit, io, results, flags.peers?.length ? emmettSubjectName(settings.backend) : undefined);
      if (flags.json) {
        const path = resolve(io.cwd, flags.json);
        const report = kit.benchReport(results, commandLine());
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
        println(io);
        println(io, `wrote ${path}`);
        if (flags.chart) {
          const html = `${path.replace(/\.json$/i, '')}.html`;
          writeFileSync(html, kit.renderChartHtml(report, `StreamStore benchmark: ${settings.backend}`));
          println(io, `wrote ${html}`);
        }
      }
    });
}
