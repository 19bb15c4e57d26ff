/**
 * One lane per stream: at most one message of a stream awaits the broker's answer; the stream's later events queue
 * behind it, in log order, and go one by one as the answers come.
 *
 * Why not pipeline within a stream: brokers answer each message on its own. A NATS client that lost its connection
 * buffers what is published meanwhile and sends it after reconnecting, while what was written just before the
 * server died is gone; JetStream answers 503 to messages that arrive before a restarted stream is back and stores
 * the next ones; RabbitMQ nacks one message (a queue at its limit) and confirms the next. In each case revision n+1
 * is stored and revision n is not, and sending n again stores it after n+1. Sending n+1 only once n is acknowledged
 * (stored) rules this out whatever the broker does, and with any number of relays killed and restarted: each sends
 * a stream's next revision only after the previous one was acknowledged, in its own run.
 */
export class StreamLanes<T> {
  /** A key is present while a message of its stream awaits its answer; its value is what waits behind it. */
  private readonly lanes = new Map<string, { items: T[]; head: number }>();

  /** Streams with a message awaiting its answer. */
  get busy(): number {
    return this.lanes.size;
  }

  /** True when `stream` has nothing in flight: the caller sends `item` now and the lane is busy. Else it queues. */
  admit(stream: string, item: T): boolean {
    const lane = this.lanes.get(stream);
    if (lane === undefined) {
      this.lanes.set(stream, { items: [], head: 0 });
      return true;
    }
    lane.items.push(item);
    return false;
  }

  /**
   * The stream's message was acknowledged: returns the next item to send (the lane stays busy with it), or undefined
   * (the lane is free). A failed message is not released: nothing after it in its stream may go in this run.
   */
  release(stream: string): T | undefined {
    const lane = this.lanes.get(stream);
    if (lane === undefined) return undefined;
    if (lane.head === lane.items.length) {
      this.lanes.delete(stream);
      return undefined;
    }
    const item = lane.items[lane.head] as T;
    // A head index, not shift(): a single hot stream can queue up to the whole read-ahead.
    lane.items[lane.head++] = undefined as T;
    if (lane.head === lane.items.length) {
      lane.items = [];
      lane.head = 0;
    }
    return item;
  }
}
