/** Which backend a connection URL's scheme names (backend names as in config.ts, which imports this file). */

const SCHEMES: Readonly<Record<string, 'postgres' | 'cassandra' | 's3'>> = Object.freeze({
  postgres: 'postgres',
  postgresql: 'postgres',
  cassandra: 'cassandra',
  s3: 's3',
});

/** The backend named by `url`'s scheme (`postgres://`, `cassandra://`, `s3://`), or undefined for any other. */
export function backendOfUrl(url: string): 'postgres' | 'cassandra' | 's3' | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  return scheme === undefined ? undefined : SCHEMES[scheme];
}
