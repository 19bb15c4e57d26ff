/** The page URLs: plain paths and query strings, so every view can be bookmarked and shared. */

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The streams list, optionally filtered by prefix and resumed after an id. */
export const streamsLink = (prefix?: string, after?: string) => withQuery('/', { prefix, after });
/** A stream's events. */
export const streamLink = (id: string, options: { direction?: string; from?: number } = {}) =>
  withQuery('/stream', { id, dir: options.direction === 'backward' ? 'backward' : undefined, from: options.from });
/** One event. */
export const eventLink = (stream: string, revision: number) => withQuery('/event', { stream, revision });
/** The global log (live tail, and pages from `after`). */
export const logLink = (after?: string) => withQuery('/log', { after });
/** A category's events. */
export const categoryLink = (name: string, after?: string) => withQuery('/log', { category: name, after });
/** Consumers. */
export const consumersLink = () => '/consumers';
/** Dead letters, optionally of one consumer. */
export const deadLettersLink = (consumer?: string) => withQuery('/dead-letters', { consumer });
