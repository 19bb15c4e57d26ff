/**
 * A lease lock with fencing tokens, for servers without conditional writes (Backblaze B2).
 *
 * Contract:
 * - `acquire` grants at most one live lease per key at a time; each grant carries a fencing token strictly greater
 *   than every token granted before for that key (also across expiries and restarts);
 * - `confirm` succeeds only while the lease is still live (not expired, not superseded), and then records its token
 *   as the key's *confirmed* token (which only grows);
 * - `confirmedToken` returns that token (0 when none).
 */
export interface LockProvider {
  /** Tries to take the lease on `key` for `ttlMs`, waiting up to `waitMs`; null when another holder kept it. */
  acquire(key: string, options: { ttlMs: number; waitMs: number; signal?: AbortSignal }): Promise<Lease | null>;
  /** The highest token whose holder confirmed a write while its lease was live. */
  confirmedToken(key: string, options?: { signal?: AbortSignal }): Promise<number>;
  /** Creates what the provider needs (tables). Idempotent. */
  provision?(): Promise<void>;
  /** Releases connections the provider owns. */
  close?(): Promise<void>;
}

/** A granted lease. */
export interface Lease {
  readonly fencingToken: number;
  /** Records `fencingToken` as confirmed if the lease is still live; false when it expired or was taken over. */
  confirm(): Promise<boolean>;
  /** Ends the lease early (best effort: an expired lease needs no release). */
  release(): Promise<void>;
}
