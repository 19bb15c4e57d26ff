import type { MultitenantStorage, StreamStorage } from '@streamstore/core/storage';

/**
 * How the conformance kit obtains storages of the backend under test. Every scenario gets a NEW, EMPTY
 * storage, so scenarios never see each other's data and may run in any order.
 */
export interface StorageFixture {
  name: string;
  /** A new, EMPTY storage (its own file/schema/keyspace/prefix) for one scenario; provisioned by the kit. */
  storage(): Promise<StreamStorage> | StreamStorage;
  /** A new multitenant storage (tenant scenarios are reported as excluded without it). */
  multitenant?(): Promise<MultitenantStorage> | MultitenantStorage;
  /** Another independent storage over the SAME data as `primary` (another connection / file handle), for races. */
  reopen?(primary: StreamStorage): Promise<StreamStorage> | StreamStorage;
  /** Called once after all scenarios. */
  teardown?(): Promise<void>;
}
