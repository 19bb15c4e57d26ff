/**
 * What several PostgreSQL test files share: one provisioned schema per file with an admin client (dropped after the
 * file), and small helpers for calls that may hang or fail.
 */
import { createStreamStore } from '@streamstore/core';
import type { Sql } from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { adminClient, CONNECTION_STRING, uniqueSchema } from './support.js';

/** A schema provisioned before the file's tests and dropped after them, with the admin client that drops it. */
export function provisionedSchemaForFile(label: string): { admin: Sql; schema: string } {
  const admin = adminClient();
  const schema = uniqueSchema(label);
  beforeAll(async () => {
    const storage = postgresStorage({ connectionString: CONNECTION_STRING, schema });
    await (await createStreamStore({ storage, provisionSchema: true })).close();
  });
  afterAll(async () => {
    await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
    await admin.end();
  });
  return { admin, schema };
}

/** What {@link within} gives for a promise that did not settle in time. */
export const HUNG = Symbol('hung');

/** `promise`, or HUNG when it has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof HUNG> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<typeof HUNG>((resolve) => (timer = setTimeout(resolve, ms, HUNG)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** The error of `promise`, or null when it resolved. */
export const errorOf = (promise: PromiseLike<unknown>): Promise<unknown> =>
  Promise.resolve(promise).then(
    () => null,
    (error: unknown) => error,
  );
