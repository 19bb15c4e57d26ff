/**
 * Finds the code blocks of the documentation and reads their markers. The convention (docs/CONTRIBUTING-docs.md):
 *
 *   ```ts                  a complete module: type-checked in an app of its own against the packed packages
 *   ```ts run              ... and run, twice in a row in the same directory (a quick start must survive a re-run)
 *   ```ts as=storage.ts    ... saved under that name, so that later blocks of the same page can import it
 *   ```ts excerpt=<path>   lines of a real file of the repository (each code line must occur in it, in order);
 *                          a file under examples/ is type-checked in the app instead, under its base name
 *
 * `js` blocks follow the same rules (saved as .mjs, checked with checkJs). Other languages (sh, json, sql, text) are
 * not code for this script. An unknown marker is an error, so a typo never silently turns a check off.
 */
import { readFileSync } from 'node:fs';

const CODE_LANGUAGES = new Map([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['js', 'mjs'],
  ['javascript', 'mjs'],
]);
const MARKERS = new Set(['run', 'as', 'excerpt']);

/**
 * @typedef {object} DocBlock
 * @property {string} file the Markdown file, relative to the repository
 * @property {number} line the line of the opening fence (1-based)
 * @property {'ts' | 'mjs'} extension
 * @property {string} code
 * @property {boolean} run
 * @property {string | undefined} as
 * @property {string | undefined} excerpt
 */

/**
 * The code blocks of `file` (read from `root`), with their markers.
 * @param {string} root
 * @param {string} file
 * @returns {DocBlock[]}
 */
export function docBlocks(root, file) {
  const lines = readFileSync(`${root}/${file}`, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent, fence, info] = open;
    const end = lines.findIndex((line, j) => j > i && line.startsWith(`${indent}${fence}`) && line.trim() === fence);
    if (end < 0) throw new Error(`${file}:${i + 1}: a code block is never closed`);
    const [language = '', ...words] = info.trim().split(/\s+/);
    const extension = CODE_LANGUAGES.get(language.toLowerCase());
    if (extension) {
      const markers = Object.fromEntries(words.map((word) => word.split('=')));
      for (const name of Object.keys(markers))
        if (!MARKERS.has(name)) throw new Error(`${file}:${i + 1}: unknown code block marker "${name}"`);
      blocks.push({
        file,
        line: i + 1,
        extension,
        code: lines
          .slice(i + 1, end)
          .map((line) => line.slice(indent.length))
          .join('\n'),
        run: 'run' in markers,
        as: markers.as,
        excerpt: markers.excerpt,
      });
    }
    i = end;
  }
  return blocks;
}

/**
 * Where the code lines of an excerpt block stop matching the file they come from, or undefined when every one occurs
 * there in order. Comments, blank lines and `...` elisions are not compared: an excerpt may shorten them.
 * @param {string} code
 * @param {string} source
 * @returns {string | undefined}
 */
export function excerptMismatch(code, source) {
  const sourceLines = source.split('\n').map((line) => stripComment(line));
  let at = 0;
  for (const line of code.split('\n')) {
    const wanted = stripComment(line);
    if (wanted === '' || wanted.startsWith('...')) continue;
    const found = sourceLines.indexOf(wanted, at);
    if (found < 0) return line.trim();
    at = found + 1;
  }
  return undefined;
}

/** A line without its indentation and its trailing `//` comment (a rough cut: fine for excerpts, not a parser). */
function stripComment(line) {
  const trimmed = line.trim();
  if (trimmed.startsWith('//') || trimmed.startsWith('/*') || trimmed.startsWith('*')) return '';
  return trimmed.replace(/\s+\/\/.*$/, '').trim();
}
