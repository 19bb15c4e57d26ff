/**
 * The benchmark kit, loaded when `streamstore bench` runs: `@streamstore/testing` (with fast-check and the
 * histograms) is an optional peer of the command, so an install for `demo`, `append` or `serve` carries none of it.
 */
import { importOptional } from '../optional-package.js';

/** What `@streamstore/testing` exports. */
export type BenchKit = typeof import('@streamstore/testing');

let loading: Promise<BenchKit> | undefined;

/** The kit, imported once; a `ConfigurationError` naming the package to install when it is missing. */
export function benchKit(): Promise<BenchKit> {
  loading ??= importOptional<BenchKit>('@streamstore/testing', 'streamstore bench');
  return loading;
}
