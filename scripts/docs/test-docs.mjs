#!/usr/bin/env node
/**
 * `npm run test:docs`: every code block of README.md, docs/*.md and packages/*\/README.md compiles and runs in an app
 * of its own against the packed packages, as a new user would meet them.
 *
 *  1. `npm pack`s every package (after `npm run build`) and checks each tarball (LICENSE, README, source maps whose
 *     sources are shipped);
 *  2. installs the tarballs into a scratch app under a temporary directory, with a package.json of its own;
 *  3. writes the TypeScript and JavaScript blocks there and type-checks them all with
 *     `tsc --strict --module nodenext --moduleResolution nodenext` (no skipLibCheck: the packages' .d.ts files are
 *     checked too, with only the app's declared dependencies installed);
 *  4. runs the blocks marked `run` twice in a row, each in a directory of its own (a quick start that fails on its
 *     second run is broken); blocks needing PostgreSQL, Cassandra or S3 use the local test servers;
 *  5. `require()`s every package from CommonJS (Node >= 20.19 loads ES modules that way through the `default`
 *     export condition), and every subpath entry point of each;
 *  6. installs only core + sqlite + cli in another app: `npx @streamstore/cli demo` from an empty folder, a missing
 *     backend named, no optional peer installed, the install size printed (scripts/docs/cli-install.mjs).
 *
 * The markers of a block (`ts run`, `ts as=storage.ts`, `ts excerpt=<path>`) are described in scripts/docs/blocks.mjs
 * and docs/CONTRIBUTING-docs.md. Options: --keep (leave the scratch app for a look), --only <substring of a file>,
 * --reuse <kept scratch directory> (skip packing and installing: for editing the docs, not for CI).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { docBlocks, excerptMismatch } from './blocks.mjs';
import { checkCliInstall } from './cli-install.mjs';
import { installApp, packWorkspaces, tarballProblems } from './scratch-app.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const reuse = args.includes('--reuse') ? args[args.indexOf('--reuse') + 1] : undefined;
const RUN_TIMEOUT_MS = 120_000;

const markdown = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
  ...readdirSync(join(root, 'packages'))
    .map((pkg) => `packages/${pkg}/README.md`)
    .filter((file) => {
      try {
        readFileSync(join(root, file));
        return true;
      } catch {
        return false;
      }
    }),
].filter((file) => !only || file.includes(only));

const failures = [];
const origin = new Map(); // a block's module in the scratch app -> the block
const scratch = reuse ?? mkdtempSync(join(tmpdir(), 'streamstore-docs-'));
try {
  // 1. The tarballs, checked as published.
  const packs = reuse ? [] : packWorkspaces(root, join(scratch, 'tarballs'));
  for (const pack of packs) {
    const unpacked = join(scratch, 'unpacked', pack.name.replace('/', '__'));
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', pack.filename, '-C', unpacked, '--strip-components=1']);
    failures.push(...tarballProblems(pack, unpacked));
  }

  // 2. The app.
  const app = join(scratch, 'app');
  const devVersion = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  if (!reuse)
    installApp(app, Object.fromEntries(packs.map((pack) => [pack.name, pack.filename])), {
      typescript: devVersion('typescript'),
      '@types/node': devVersion('@types/node'),
      vitest: devVersion('vitest'), // the kit's Vitest adapter is a documented entry point
      // The outbox's broker clients are optional peers: its pages import them.
      '@nats-io/transport-node': devVersion('@nats-io/transport-node'),
      '@nats-io/jetstream': devVersion('@nats-io/jetstream'),
      amqplib: devVersion('amqplib'),
      // @streamstore/opentelemetry's peer, and the SDK its pages wire exporters with.
      '@opentelemetry/api': devVersion('@opentelemetry/api'),
      '@opentelemetry/context-async-hooks': devVersion('@opentelemetry/context-async-hooks'),
      '@opentelemetry/sdk-metrics': devVersion('@opentelemetry/sdk-metrics'),
      '@opentelemetry/sdk-trace-base': devVersion('@opentelemetry/sdk-trace-base'),
      // The core's binary codecs are optional peers too: docs/serialization.md imports them, step 5 requires them.
      msgpackr: devVersion('msgpackr'),
      '@bufbuild/protobuf': devVersion('@bufbuild/protobuf'),
    });

  // 3. The blocks, type-checked together (each its own module).
  const blocks = markdown.flatMap((file) => docBlocks(root, file));
  const sources = join(app, 'src');
  rmSync(sources, { recursive: true, force: true });
  mkdirSync(sources, { recursive: true });
  for (const block of blocks) {
    if (block.excerpt) {
      const source = readFileSync(join(root, block.excerpt), 'utf8');
      const mismatch = excerptMismatch(block.code, source);
      if (mismatch) failures.push(`${block.file}:${block.line}: not in ${block.excerpt}: ${mismatch}`);
      // An example is self-contained: it is compiled here too, so later blocks can import it. Package sources are
      // compiled by the build.
      if (block.excerpt.startsWith('examples/')) copyFileSync(join(root, block.excerpt), join(sources, basename(block.excerpt)));
      continue;
    }
    const name = block.as ?? `${block.file.replace(/[/.]/g, '_')}_${block.line}.${block.extension}`;
    block.module = name;
    writeFileSync(join(sources, name), `${block.code}\n`);
    origin.set(name, block);
  }
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        moduleDetection: 'force', // a block without imports is still a module of its own
        skipLibCheck: false,
        allowJs: true,
        checkJs: true,
        types: ['node'],
        rootDir: 'src',
        outDir: 'dist',
      },
      include: ['src'],
    }),
  );
  const tsc = spawnSync(join(app, 'node_modules/.bin/tsc'), ['-p', '.', '--pretty', 'false'], {
    cwd: app,
    encoding: 'utf8',
  });
  for (const line of `${tsc.stdout}${tsc.stderr}`.split('\n').filter(Boolean)) failures.push(blockLocation(line));
  if (tsc.status !== 0 && !tsc.stdout && !tsc.stderr) failures.push(`tsc exited with ${tsc.status}`);

  // 4. The runnable blocks, twice each, in a directory of their own.
  if (tsc.status === 0) {
    for (const block of blocks.filter((candidate) => candidate.run)) {
      const cwd = join(app, 'runs', block.module.replace(/\.\w+$/, ''));
      mkdirSync(cwd, { recursive: true });
      const script = join(app, 'dist', block.module.replace(/\.ts$/, '.js'));
      for (const attempt of [1, 2]) {
        const run = spawnSync(process.execPath, [script], { cwd, encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
        const ok = run.status === 0;
        console.log(`${ok ? 'ok  ' : 'FAIL'} ${block.file}:${block.line} run ${attempt}`);
        if (!ok) {
          const why = run.error ? run.error.message : `exit ${run.status ?? run.signal}`;
          failures.push(`${block.file}:${block.line}: run ${attempt} failed (${why})\n${run.stdout}${run.stderr}`);
          break;
        }
      }
    }
  }

  // 5. require() from CommonJS, for every package and each of its subpath entry points.
  for (const pack of packs) {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', pack.name, 'package.json'), 'utf8'));
    // The kit's Vitest adapter loads Vitest, which refuses to run outside its own runner.
    const skipped = new Set(['./package.json', ...(pack.name === '@streamstore/testing' ? ['./vitest'] : [])]);
    const entries = Object.keys(manifest.exports ?? { '.': null }).filter((entry) => !skipped.has(entry));
    for (const entry of entries) {
      const specifier = entry === '.' ? pack.name : `${pack.name}/${entry.slice(2)}`;
      const probe = `const m = require(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) process.exit(3);`;
      const run = spawnSync(process.execPath, ['--no-warnings', '-e', probe], { cwd: app, encoding: 'utf8' });
      if (run.status !== 0) failures.push(`require('${specifier}') failed: ${run.stderr.trim().split('\n')[0]}`);
    }
  }

  // 6. The command, installed alone: `npx @streamstore/cli demo` from an empty folder, the install size.
  if (packs.length > 0) {
    const tarballs = Object.fromEntries(packs.map((pack) => [pack.name, pack.filename]));
    failures.push(...checkCliInstall(join(scratch, 'cli-app'), tarballs));
  }

  const checked = blocks.length;
  const ran = blocks.filter((block) => block.run).length;
  console.log(`${checked} code blocks in ${markdown.length} files type-checked, ${ran} run twice, ${packs.length} packages`);
} finally {
  if (keep || reuse) console.log(`scratch app kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s):\n${failures.map((failure) => `- ${failure}`).join('\n')}`);
  process.exit(1);
}

/** A tsc diagnostic with its position in the Markdown file the block came from. */
function blockLocation(diagnostic) {
  const match = /^src\/([^(]+)\((\d+),(\d+)\): (.*)$/.exec(diagnostic);
  const block = match && origin.get(match[1]);
  if (!block) return diagnostic;
  return `${block.file}:${block.line + Number(match[2])}:${match[3]}: ${match[4]}`;
}
