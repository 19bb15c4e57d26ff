import type { ResolvedConfig } from '../options.js';
import { consumerTables } from './consumer-schema.js';

const KEY = 'WHERE events_table = ? AND consumer = ?';
const DEAD_LETTER_COLUMNS = 'consumer, id, stream_id, revision, position, event_id, type, error, attempts, failed_at';

/** The CQL of the consumer stores, built once from the validated keyspace; every value is a bound parameter. */
export class ConsumerStatements {
  readonly loadCheckpoint: string;
  /** The first save of a consumer: `IF NOT EXISTS`. */
  readonly insertCheckpoint: string;
  /** Every later save: `IF checkpoint = ?` (the expected one). */
  readonly updateCheckpoint: string;
  /** Every checkpoint of the keyspace (all events tables): filtered by the caller. */
  readonly scanCheckpoints: string;
  /** Takes a free lease: `IF NOT EXISTS ... USING TTL ?`. */
  readonly takeLease: string;
  /** Extends a lease this owner holds: `USING TTL ? ... IF owner = ?`. */
  readonly renewLease: string;
  /** Gives a lease back, only if this owner still holds it. */
  readonly releaseLease: string;
  readonly leaseOwner: string;
  readonly insertDeadLetter: string;
  readonly deadLettersOf: string;
  /** Every dead letter of the keyspace (all events tables): filtered by the caller. */
  readonly scanDeadLetters: string;

  constructor(config: ResolvedConfig) {
    const { checkpoints, locks, deadLetters } = consumerTables(config);
    this.loadCheckpoint = `SELECT checkpoint FROM ${checkpoints} ${KEY}`;
    this.insertCheckpoint = `INSERT INTO ${checkpoints} (events_table, consumer, checkpoint, updated_at) VALUES (?, ?, ?, ?) IF NOT EXISTS`;
    this.updateCheckpoint = `UPDATE ${checkpoints} SET checkpoint = ?, updated_at = ? ${KEY} IF checkpoint = ?`;
    this.scanCheckpoints = `SELECT events_table, consumer, checkpoint, updated_at FROM ${checkpoints}`;
    this.takeLease = `INSERT INTO ${locks} (events_table, consumer, owner, expires_at) VALUES (?, ?, ?, ?) IF NOT EXISTS USING TTL ?`;
    this.renewLease = `UPDATE ${locks} USING TTL ? SET owner = ?, expires_at = ? ${KEY} IF owner = ?`;
    this.releaseLease = `DELETE FROM ${locks} ${KEY} IF owner = ?`;
    this.leaseOwner = `SELECT owner FROM ${locks} ${KEY}`;
    this.insertDeadLetter = `INSERT INTO ${deadLetters} (events_table, ${DEAD_LETTER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    this.deadLettersOf = `SELECT ${DEAD_LETTER_COLUMNS} FROM ${deadLetters} ${KEY}`;
    this.scanDeadLetters = `SELECT events_table, ${DEAD_LETTER_COLUMNS} FROM ${deadLetters}`;
  }
}
