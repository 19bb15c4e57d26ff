import type { StreamStore } from '@streamstore/core';

/** Settings of {@link measureWakeUps}. */
export interface WakeUpOptions {
  /** Commits to time (default 5), one event each, to streams `order-0`, `order-1`, ... */
  count?: number;
  /** How long one event may take to arrive before the measurement fails (default 15,000 ms). */
  timeoutMs?: number;
  /** Waited after the subscription caught up, for a wake-up channel set up asynchronously (e.g. LISTEN). */
  settleMs?: number;
}

/**
 * How long commits through `writer` take to reach a handler subscribed through `reader` (another storage over the
 * same data) whose polling is so slow (every 30 s) that only the backend's wake-up hint can deliver them in time.
 * Resolves with each commit's lag in ms (from the commit call to the handler) and the ids delivered, in order.
 * @example
 * const { lags } = await measureWakeUps(storeA, storeB);
 * console.log(`wake-up lag, ms: ${lags.join(', ')}`);
 */
export async function measureWakeUps(
  reader: StreamStore,
  writer: StreamStore,
  options: WakeUpOptions = {},
): Promise<{ lags: number[]; delivered: string[] }> {
  const { count = 5, timeoutMs = 15_000, settleMs = 0 } = options;
  const seen: Array<{ id: string; at: number }> = [];
  const subscription = reader.subscribe({
    to: { category: 'order' },
    pollIntervalMs: 30_000,
    handler: (event) => void seen.push({ id: event.id, at: performance.now() }),
  });
  const lags: number[] = [];
  try {
    await subscription.caughtUp;
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    for (let i = 0; i < count; i++) {
      const sent = performance.now();
      await writer.append(`order-${i}`, 'no-stream', [{ id: `o${i}`, type: 'Tick', data: { i } }]);
      const deadline = Date.now() + timeoutMs;
      while (seen.length <= i) {
        if (Date.now() > deadline) throw new Error(`Event ${i} was not delivered within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      lags.push((seen[i]?.at ?? 0) - sent);
    }
  } finally {
    await subscription.stop();
  }
  return { lags, delivered: seen.map((delivery) => delivery.id) };
}
