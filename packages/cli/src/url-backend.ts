/** Which backend a connection URL's scheme names. */
import type { BackendName } from './config.js';

const SCHEMES: Readonly<Record<string, BackendName>> = Object.freeze({
  postgres: 'postgres',
  postgresql: 'postgres',
  cassandra: 'cassandra',
  s3: 's3',
});

/** The backend named by `url`'s scheme (`postgres://`, `cassandra://`, `s3://`), or undefined for any other. */
export function backendOfUrl(url: string): BackendName | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  return scheme === undefined ? undefined : SCHEMES[scheme];
}
