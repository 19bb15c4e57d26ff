/**
 * `streamstore serve` in a real browser: Debian's chromium driven by playwright-core (never a downloaded browser).
 * A SQLite store with data, a consumer and dead letters is served by the built binary; the test searches a stream,
 * opens an event, watches a live append arrive, retries a dead letter, and checks that event content meant as
 * markup stays text. A screenshot of each page goes to test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStreamStore, type StreamStore } from '@streamstore/core';
import { sqliteCheckpointStore, sqliteDeadLetterStore, sqliteStorage } from '@streamstore/sqlite';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, tempDir } from './cli-harness.js';
import { type ServeRun, startServe } from './serve-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/', import.meta.url));
const XSS_STREAM = '<img src=x onerror="window.__xss=1">';
const XSS_DATA = { html: '<script>window.__xss = 2</script>', img: '<img src=x onerror="window.__xss = 3">' };
const AWKWARD = ['a/b/c', '100%', '..', 'ünï/流/🚀'];

let dir: string;
let profile: string;
let store: StreamStore;
let storage: ReturnType<typeof sqliteStorage>;
let serve: ServeRun;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];

/** A store with orders, awkward ids, XSS content, and a consumer that parked the OrderPaid events. */
async function seed(file: string): Promise<StreamStore> {
  storage = sqliteStorage({ filename: file });
  const seeded = await createStreamStore({ storage, provisionSchema: true });
  for (let order = 1; order <= 3; order++) {
    await seeded.append(`order-${order}`, 'no-stream', [
      { type: 'OrderPlaced', data: { order, lines: [{ sku: 'A-1', quantity: order }] }, metadata: { user: 'ann' } },
      { type: 'OrderPaid', data: { order, amount: order * 10 } },
    ]);
  }
  for (const id of AWKWARD) await seeded.append(id, 'no-stream', [{ type: 'Odd', data: { id } }]);
  await seeded.append(XSS_STREAM, 'no-stream', [
    { type: '<b>Bold</b>', data: XSS_DATA, metadata: { note: '<script>x()</script>' } },
  ]);
  const subscription = seeded.subscribe({
    to: 'all',
    consumer: 'totals',
    checkpoints: sqliteCheckpointStore(storage),
    deadLetters: sqliteDeadLetterStore(storage),
    onError: { attempts: 1, afterRetries: 'dead-letter' },
    handler: (event) => {
      if (event.type === 'OrderPaid') throw new Error('payment service down');
    },
  });
  await subscription.caughtUp;
  await subscription.stop();
  return seeded;
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `serve-${name}.png`), fullPage: false });
}

async function xssInert(): Promise<void> {
  expect(await page.evaluate('window.__xss')).toBeUndefined();
  expect(await page.locator('main script, main img, main b, main svg').count()).toBe(0);
  expect(dialogs).toEqual([]);
}

beforeAll(async () => {
  await ensureBuilt(['server']);
  mkdirSync(SCREENSHOTS, { recursive: true });
  dir = tempDir();
  store = await seed(join(dir, 'events.db'));
  serve = await startServe(['--file', join(dir, 'events.db')], dir);
  profile = mkdtempSync(join(tmpdir(), 'streamstore-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 760 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await serve?.stop();
  await store?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (dir) removeDir(dir);
});

describe('the web stream browser', () => {
  it('signs in with the printed URL and lists streams, the token leaving the address bar', async () => {
    await page.goto(`${serve.url}/#token=${serve.token}`);
    await page.locator('table.list a.stream-id', { hasText: 'order-1' }).waitFor();
    expect(page.url()).toBe(`${serve.url}/`);
    await screenshot('streams');
  });

  it('searches streams by prefix, with the search in a shareable URL', async () => {
    await page.locator('input[type=search]').fill('order');
    await expect.poll(() => page.locator('table.list a.stream-id').allTextContents()).toEqual(['order-1', 'order-2', 'order-3']);
    expect(new URL(page.url()).searchParams.get('prefix')).toBe('order');
    await screenshot('search');
  });

  it("opens a stream's events and one event, pretty-printed", async () => {
    await page.locator('table.list a.stream-id', { hasText: 'order-2' }).click();
    await page.locator('article.event').first().waitFor();
    expect(await page.locator('article.event').count()).toBe(2);
    const data = await page.locator('article.event pre.json').first().textContent();
    expect(data).toBe(JSON.stringify({ order: 2, lines: [{ sku: 'A-1', quantity: 2 }] }, null, 2));
    await screenshot('stream');
    await page.locator('article.event a.revision', { hasText: '#1' }).click();
    await page.locator('dl.fields').waitFor();
    expect(new URL(page.url()).pathname).toBe('/event');
    expect(await page.locator('pre.json').nth(1).textContent()).toBe(JSON.stringify({ user: 'ann' }, null, 2));
    await screenshot('event');
  });

  it.each(AWKWARD)('opens the stream %j from a shared link', async (id) => {
    await page.goto(`${serve.url}/stream?id=${encodeURIComponent(id)}`);
    await page.locator('article.event').first().waitFor();
    expect(await page.locator('h1 .stream-id').textContent()).toBe(id);
    expect(await page.locator('pre.json').first().textContent()).toContain(JSON.stringify(id));
  });

  it('shows markup in events as text, never running it', async () => {
    await page.goto(`${serve.url}/`);
    await page.locator('table.list a.stream-id', { hasText: XSS_STREAM }).click();
    await page.locator('article.event').waitFor();
    expect(await page.locator('h1 .stream-id').textContent()).toBe(XSS_STREAM);
    expect(await page.locator('article.event .type').textContent()).toBe('<b>Bold</b>');
    expect(await page.locator('pre.json').first().textContent()).toContain('<script>window.__xss = 2</script>');
    await xssInert();
    await page.locator('article.event a.revision').click();
    await page.locator('dl.fields').waitFor();
    expect(await page.locator('pre.json').nth(1).textContent()).toContain('<script>x()</script>');
    await xssInert();
    await screenshot('xss');
  });

  it('shows an append in the live tail of the log within a second', async () => {
    await page.goto(`${serve.url}/log`);
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: 5000 }).toBe('live');
    const started = Date.now();
    await store.append('live-1', 'no-stream', [{ type: 'JustHappened', data: { at: started } }]);
    await page.locator('#live article.event', { hasText: 'live-1' }).waitFor({ timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await page.locator('#live article.event .type').first().textContent()).toBe('JustHappened');
    await screenshot('log');
  });

  it('shows consumers with their lag', async () => {
    await page.goto(`${serve.url}/consumers`);
    const row = page.locator('table.list tbody tr', { hasText: 'totals' });
    await row.waitFor();
    // The consumer stopped before the live append: one event behind.
    expect(await row.locator('td.num').textContent()).toBe('1');
    await screenshot('consumers');
  });

  it('retries a dead letter', async () => {
    await page.goto(`${serve.url}/dead-letters`);
    const rows = page.locator('table.list tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    await screenshot('dead-letters');
    await rows.first().locator('button.retry').click();
    await page.locator('#status .notice', { hasText: 'Retried order-1 #2' }).waitFor();
    expect(await rows.count()).toBe(2);
    const letters = await sqliteDeadLetterStore(storage).list();
    expect(letters.map((letter) => letter.streamId)).toEqual(['order-2', 'order-3']);
    // The consumer's checkpoint now lies just before the retried event: it is delivered again.
    expect(await sqliteCheckpointStore(storage).load('totals')).toBe('1');
    await xssInert();
  });
});
