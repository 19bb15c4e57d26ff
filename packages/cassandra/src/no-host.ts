import cassandra from 'cassandra-driver';

/** What a driver `NoHostAvailableError` says once its inner errors are read. */
export interface NoHostSummary {
  /** Every host failed on the client's own settings (a wrong localDataCenter, bad credentials): retrying cannot help. */
  configuration: boolean;
  /** One line per host, `host: first line of its error`, joined with '; '. */
  detail: string;
}

/**
 * Reads a `NoHostAvailableError`'s inner errors. The driver's own message embeds each inner error with its stack
 * trace, unfit for a user; and it calls an unknown data center "no host available", which is a configuration mistake.
 */
export function summarizeNoHost(error: unknown): NoHostSummary | undefined {
  if (!(error instanceof cassandra.errors.NoHostAvailableError)) return undefined;
  const inner = Object.entries((error as { innerErrors?: Record<string, unknown> }).innerErrors ?? {});
  if (inner.length === 0) return { configuration: false, detail: 'no host could be tried' };
  const configuration = inner.every(
    ([, cause]) => cause instanceof cassandra.errors.ArgumentError || cause instanceof cassandra.errors.AuthenticationError,
  );
  const detail = inner.map(([host, cause]) => `${host}: ${firstLine(cause)}`).join('; ');
  return { configuration, detail };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n', 1)[0] ?? '').trim();
}
