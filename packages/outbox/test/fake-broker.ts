/**
 * A broker in memory for the relay's ordering tests: it decides per publish whether the message is stored and
 * acknowledged, stored with its acknowledgement lost, lost, or refused, and when the answer comes. A message is
 * stored when it is published (a broker stores in arrival order; only the answer is late), which is what lets a
 * later message of a stream be stored while an earlier one was lost, as a NATS restart or a RabbitMQ nack does.
 */
import { HEADERS, type OutboxMessage, type OutboxPublisher, type PublishReceipt, PublishRefusedError } from '@streamstore/outbox';

/** What happens to one publish. */
export type Outcome =
  /** Stored and acknowledged. */
  | 'ack'
  /** Stored, but the acknowledgement never comes (the relay sees an unknown outcome). */
  | 'ack-lost'
  /** Not stored, no acknowledgement (lost with the connection). */
  | 'lost'
  /** Not stored, refused (a JetStream API error, a RabbitMQ nack). */
  | 'refused';

export interface Decision {
  outcome: Outcome;
  /** When the answer comes (ms). */
  delayMs: number;
}

export interface FakeBrokerOptions {
  /** Drop a message whose id was stored already (JetStream's `Nats-Msg-Id`); RabbitMQ keeps every copy. */
  dedup: boolean;
  /** `attempt` counts the publishes of this message id, from 1. */
  decide(message: OutboxMessage, attempt: number): Decision;
}

/** A fake {@link OutboxPublisher} recording what it stored and how many publishes overlapped. */
export class FakeBroker implements OutboxPublisher {
  readonly description = 'fake broker';
  /** The messages kept, in arrival order (duplicates too unless `dedup`). */
  readonly stored: OutboxMessage[] = [];
  readonly storedIds = new Set<string>();
  readonly attempts = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;
  /** The most publishes of one stream awaiting their answer at once. */
  maxInFlightPerStream = 0;
  private readonly perStream = new Map<string, number>();

  constructor(private readonly options: FakeBrokerOptions) {}

  publish(message: OutboxMessage): Promise<PublishReceipt> {
    const attempt = (this.attempts.get(message.id) ?? 0) + 1;
    this.attempts.set(message.id, attempt);
    const { outcome, delayMs } = this.options.decide(message, attempt);
    const stream = message.event.streamId;
    const ofStream = (this.perStream.get(stream) ?? 0) + 1;
    this.perStream.set(stream, ofStream);
    this.maxInFlightPerStream = Math.max(this.maxInFlightPerStream, ofStream);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let duplicate = false;
    if (outcome === 'ack' || outcome === 'ack-lost') {
      duplicate = this.storedIds.has(message.id);
      if (!duplicate || !this.options.dedup) this.stored.push(message);
      this.storedIds.add(message.id);
    }
    return new Promise<PublishReceipt>((resolve, reject) => {
      setTimeout(() => {
        this.inFlight--;
        this.perStream.set(stream, (this.perStream.get(stream) ?? 1) - 1);
        if (outcome === 'ack') resolve({ duplicate });
        else if (outcome === 'refused') reject(new PublishRefusedError(`fake broker refused ${message.id}`));
        else reject(new Error(`fake broker: no acknowledgement for ${message.id}`));
      }, delayMs);
    });
  }

  async close(): Promise<void> {}

  /** Per stream, the revisions in the order they were first stored. */
  firstStoredOrder(): Map<string, number[]> {
    const seen = new Set<string>();
    const order = new Map<string, number[]>();
    for (const message of this.stored) {
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      const stream = message.headers[HEADERS.stream] as string;
      order.set(stream, [...(order.get(stream) ?? []), Number(message.headers[HEADERS.revision])]);
    }
    return order;
  }
}
