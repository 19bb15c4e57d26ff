/**
 * The web stream browser: its page and assets are read once at start and served from memory. The page is the same
 * for every browser route (the script renders the route), so links are plain shareable URLs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** The browser routes: each serves the page. */
export const PAGE_ROUTES = ['/', '/streams', '/stream', '/event', '/log', '/consumers', '/dead-letters'] as const;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Scripts, styles and the page's own requests come from this server only, and nothing inline runs: even a payload
 * that reached the DOM as markup could not execute.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface Asset {
  body: Buffer;
  type: string;
}

function loadAssets(): Map<string, Asset> {
  // The same from src/ (tests) and dist/: the compiled scripts are in dist/web, the page and styles in web/static.
  const root = new URL('../', import.meta.url);
  const compiled = fileURLToPath(new URL('dist/web/', root));
  const statics = fileURLToPath(new URL('web/static/', root));
  const assets = new Map<string, Asset>();
  for (const dir of [compiled, statics]) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type) assets.set(name, { body: readFileSync(join(dir, name)), type });
    }
  }
  return assets;
}

/** Serves the page on every browser route and the assets under /assets/. */
export function registerWebAssets(app: FastifyInstance): void {
  const assets = loadAssets();
  const page = assets.get('index.html');
  if (!page) throw new Error('The web page is missing: build @streamstore/server first');
  for (const url of PAGE_ROUTES) {
    app.get(url, async (_request, reply) => reply.type(page.type).header('cache-control', 'no-cache').send(page.body));
  }
  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset || request.params.name === 'index.html') {
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'No such asset' } });
    }
    return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
  });
}
