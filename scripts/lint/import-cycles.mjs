// Fails when source files under packages/*/src import each other in a circle (type-only imports included: a circle
// of types still ties the files together). Relative imports only; packages import each other through their names,
// and the package graph is kept acyclic by the workspace build order. Usage: node scripts/lint/import-cycles.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(directory) {
  const files = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** The file an import specifier names (`./x.js` is written for `./x.ts`). */
function target(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const graph = new Map();
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src');
  if (!existsSync(src)) continue;
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    const edges = new Set();
    for (const match of text.matchAll(IMPORT)) {
      const to = target(file, match[1]);
      if (to) edges.add(to);
    }
    graph.set(file, edges);
  }
}

// Tarjan's strongly connected components: every component of more than one file is a circle.
let index = 0;
const stack = [];
const state = new Map();
const circles = [];
function connect(file) {
  state.set(file, { index, low: index, onStack: true });
  index++;
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;
    if (!state.has(next)) {
      connect(next);
      state.get(file).low = Math.min(state.get(file).low, state.get(next).low);
    } else if (state.get(next).onStack) {
      state.get(file).low = Math.min(state.get(file).low, state.get(next).index);
    }
  }
  if (state.get(file).low === state.get(file).index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== file);
    if (component.length > 1) circles.push(component);
  }
}
for (const file of graph.keys()) if (!state.has(file)) connect(file);

if (circles.length === 0) {
  console.log(`import-cycles: no circle among ${graph.size} source files`);
} else {
  for (const circle of circles) {
    console.error(
      `import circle: ${circle
        .map((file) => relative(root, file))
        .sort()
        .join(', ')}`,
    );
  }
  process.exit(1);
}
