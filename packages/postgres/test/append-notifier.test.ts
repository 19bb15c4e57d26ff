/**
 * The post-commit NOTIFY of a store, against a stand-in for the postgres.js tag that records each statement and
 * answers when the test says so (how many NOTIFYs go out is the behaviour under test, not the server's).
 */
import type { Sql } from 'postgres';
import { describe, expect, it, vi } from 'vitest';
import { AppendNotifier } from '../src/append-notifier.js';

/** A tag function that records the channel of each NOTIFY and leaves it pending until `answer()`. */
function recordingSql() {
  const sent: string[] = [];
  const waiting: Array<() => void> = [];
  const tag = (_strings: TemplateStringsArray, channel: string) => {
    sent.push(channel);
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  return {
    sql: tag as unknown as Sql,
    sent,
    /** Answers the oldest NOTIFY still pending. */
    answer: async () => {
      waiting.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AppendNotifier', () => {
  it('sends at once after a quiet spell, then one more NOTIFY for every commit acknowledged while one was in flight', async () => {
    const server = recordingSql();
    const notifier = new AppendNotifier(server.sql, 'shop_appends');
    notifier.poke();
    expect(server.sent).toEqual(['shop_appends']);
    for (let i = 0; i < 50; i++) notifier.poke();
    expect(server.sent).toHaveLength(1);
    await server.answer();
    // The 50 commits are owed one NOTIFY, sent no sooner than 5 ms after the previous one.
    await vi.waitFor(() => expect(server.sent).toHaveLength(2));
    await server.answer();
    await sleep(20);
    expect(server.sent).toHaveLength(2);
    await notifier.close();
  });

  it('close sends the NOTIFY still owed, then nothing more', async () => {
    const server = recordingSql();
    const notifier = new AppendNotifier(server.sql, 'shop_appends');
    notifier.poke();
    await server.answer();
    notifier.poke(); // within 5 ms of the last one: scheduled, not sent yet
    expect(server.sent).toHaveLength(1);
    const closing = notifier.close();
    expect(server.sent).toHaveLength(2);
    await server.answer();
    await closing;
    notifier.poke();
    await sleep(20);
    expect(server.sent).toHaveLength(2);
  });

  it('close gives up waiting after maxWaitMs when the server does not answer', async () => {
    const server = recordingSql();
    const notifier = new AppendNotifier(server.sql, 'shop_appends');
    notifier.poke();
    // The NOTIFY never gets an answer: close still resolves (a hanging close would time the test out).
    await expect(notifier.close(50)).resolves.toBeUndefined();
  });

  it('a failed NOTIFY is dropped: the next commit is notified again', async () => {
    let calls = 0;
    const failing = (() => {
      calls++;
      return Promise.reject(new Error('connection refused'));
    }) as unknown as Sql;
    const notifier = new AppendNotifier(failing, 'shop_appends');
    notifier.poke();
    await vi.waitFor(() => expect(calls).toBe(1));
    await sleep(10);
    notifier.poke();
    await vi.waitFor(() => expect(calls).toBe(2));
    await notifier.close();
  });
});
