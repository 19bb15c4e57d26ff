import type { StreamStore, StreamStoreFactory, StreamStoreFactoryOptions, StreamStoreOptions } from '@streamstore/core';
import type { MultitenantStorage, StorageCapabilities, StreamStorage } from '@streamstore/core/storage';
import type { ScenarioAssert } from './assert-types.js';

/**
 * What a scenario needs beyond the basics: a capability flag the backend must declare, a multitenant storage
 * (`multitenant`) or a second connection over the same data (`reopen`). Without it the scenario is excluded.
 */
export type Requirement = keyof StorageCapabilities | 'multitenant' | 'reopen';

/** Options of {@link ScenarioContext.createStore}. */
export interface ScenarioStoreOptions extends Omit<StreamStoreOptions, 'storage' | 'provisionSchema'> {
  /** Wraps the fixture's storage before the store sees it (to count calls or hide capabilities). */
  wrapStorage?: (storage: StreamStorage) => StreamStorage;
}

/** Options of {@link ScenarioContext.createFactory}. */
export type ScenarioFactoryOptions = Omit<StreamStoreFactoryOptions, 'storage'>;

export type { ScenarioAssert } from './assert-types.js';

/** What a scenario gets to work with. Everything it creates is closed automatically when it ends. */
export interface ScenarioContext {
  /** The fixture's name (for messages). */
  readonly backend: string;
  /** The capabilities the fixture's storage declares. */
  readonly capabilities: Readonly<StorageCapabilities>;
  /** A fresh provisioned store on a NEW empty storage from the fixture. */
  createStore(options?: ScenarioStoreOptions): Promise<StreamStore>;
  /** A fresh store factory on a NEW multitenant storage (requirement `multitenant`). */
  createFactory(options?: ScenarioFactoryOptions): Promise<StreamStoreFactory>;
  /** A NEW multitenant storage, as a factory would get it, for scenarios of the SPI itself (requirement `multitenant`). */
  createMultitenantStorage(): Promise<MultitenantStorage>;
  /** Another store over the SAME data as `store`, through another connection (requirement `reopen`). */
  reopen(store: StreamStore, options?: Omit<ScenarioStoreOptions, 'wrapStorage'>): Promise<StreamStore>;
  /** Assertions that work in any runner. */
  readonly assert: ScenarioAssert;
}

/** One conformance scenario: a plain async function plus what it needs. */
export interface Scenario {
  /** Stable identifier, `<group>.<name>`. */
  id: string;
  /** The part of the contract it covers (one `describe` per group in the runner adapters). */
  group: string;
  /** What it checks, in a sentence. */
  title: string;
  /** Capabilities or fixture features it needs; it is reported as excluded where one is missing. */
  requires?: Array<keyof StorageCapabilities | 'multitenant' | 'reopen'>;
  /** Runs the scenario; throws (an assertion error) when the backend breaks the contract. */
  run(ctx: ScenarioContext): Promise<void>;
}
