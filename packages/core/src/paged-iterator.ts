import type { RecordedEvent } from './model.js';
import type { StoredEvent } from './storage-spi.js';

/**
 * An async iterator over pages of stored events, decoding one event per `next()`. Hand-written rather than an async
 * generator because reads are the hot path: handing out an already fetched event costs one resolved promise.
 */
export class PagedIterator implements AsyncIterableIterator<RecordedEvent> {
  private page: readonly StoredEvent[] = [];
  private index = 0;
  private finished = false;

  /**
   * @param nextPage fetches the next page; resolves `undefined` when there is nothing more.
   * @param convert decodes one stored event; `undefined` leaves it out.
   */
  constructor(
    private readonly nextPage: () => Promise<readonly StoredEvent[] | undefined>,
    private readonly convert: (stored: StoredEvent) => RecordedEvent | undefined,
  ) {}

  next(): Promise<IteratorResult<RecordedEvent>> {
    try {
      while (this.index < this.page.length) {
        const event = this.convert(this.page[this.index++] as StoredEvent);
        if (event) return Promise.resolve({ value: event, done: false });
      }
    } catch (error) {
      this.finish();
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return this.fetchThenNext();
  }

  private async fetchThenNext(): Promise<IteratorResult<RecordedEvent>> {
    let page: readonly StoredEvent[] | undefined;
    try {
      page = await this.nextPage();
    } catch (error) {
      this.finish();
      throw error;
    }
    if (page === undefined) {
      this.finish();
      return { value: undefined, done: true };
    }
    this.page = page;
    this.index = 0;
    return this.next();
  }

  /** Ends the iteration early (a `break` out of `for await`). */
  return(): Promise<IteratorResult<RecordedEvent>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    this.finished = true;
    this.page = [];
    this.index = 0;
  }
}
