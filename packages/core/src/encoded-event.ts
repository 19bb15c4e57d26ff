import { eventDigest } from './event-digest.js';
import type { EncodedEvent } from './storage-spi.js';

/** The fields of an {@link EncodedEvent} besides its digest. */
export type EncodedEventFields = Omit<EncodedEvent, 'digest'>;

/**
 * An encoded event whose digest is computed on first read and then kept: most appends succeed and never need it,
 * and a SHA-256 per event would cost the in-memory hot path a large share of its time. The digest lives on the
 * prototype, so a copy made with `{ ...event }` leaves it out: read `event.digest` explicitly to keep it.
 */
export class LazyDigestEvent implements EncodedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  format: string;
  compression: string | null;
  data: string | Uint8Array;
  metadata: string | null;
  timestamp: number;
  #digest: string | undefined;

  /** Takes the encoded fields as they are (no copy). */
  constructor(fields: EncodedEventFields) {
    this.id = fields.id;
    this.type = fields.type;
    this.schemaVersion = fields.schemaVersion;
    this.format = fields.format;
    this.compression = fields.compression;
    this.data = fields.data;
    this.metadata = fields.metadata;
    this.timestamp = fields.timestamp;
  }

  /** The content digest ({@link eventDigest}); the event must not be changed once it has been read. */
  get digest(): string {
    this.#digest ??= eventDigest(this);
    return this.#digest;
  }
}
