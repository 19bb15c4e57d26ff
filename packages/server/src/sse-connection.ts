/**
 * One server-sent-events response. Writes wait for the socket to drain, so a slow reader only slows its own
 * subscription; one that leaves data unread past a deadline is disconnected, so it holds nothing for long.
 */
import type { ServerResponse } from 'node:http';

/** Comment lines every so often keep proxies and browsers from closing an idle tail. */
const HEARTBEAT_MS = 15_000;

/** A live response the server writes events to until either side ends it. */
export class SseConnection {
  /** Aborted when the client goes away, the connection is dropped, or the server closes. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly response: ServerResponse,
    private readonly drainTimeoutMs: number,
    headers: Record<string, string>,
  ) {
    this.signal = this.controller.signal;
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    response.on('close', () => this.close());
    this.heartbeat = setInterval(() => {
      if (response.writableLength === 0) response.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Sends one event; resolves once the socket took it (or the connection ended). */
  async send(id: string, event: string, data: string): Promise<void> {
    if (this.signal.aborted) return;
    if (this.response.write(`id: ${id}\nevent: ${event}\ndata: ${data}\n\n`)) return;
    await this.drained();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.response.off('drain', done);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(() => {
        // The client reads too slowly: drop it rather than buffer for it.
        this.response.destroy();
        this.close();
        done();
      }, this.drainTimeoutMs);
      this.response.once('drain', done);
      this.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends the response (idempotent). */
  close(): void {
    if (this.signal.aborted) return;
    clearInterval(this.heartbeat);
    this.controller.abort();
    if (!this.response.writableEnded) this.response.end();
  }
}
