import type { StreamInfo, StreamSummary } from '@streamstore/core';
import { decodeStreamId, encodeStreamId, streamsPrefix } from './keys.js';
import { mapBounded, type ObjectClient } from './object-client.js';

/**
 * One page of `listStreams`: stream folders come from ListObjectsV2 with delimiter `/` (1,000 per request, in
 * UTF-8 byte order of the ids, thanks to the hex encoding); each needs its head (`getStream`, one or two requests),
 * and deleted streams are skipped. Costly for big pages: about 2 requests per stream listed. A `prefix` narrows the
 * listing on the server: the hex of a string's UTF-8 bytes starts with the hex of a prefix's exactly when the string
 * starts with the prefix, so the request's `Prefix` is the folder prefix plus that hex (nothing to escape: hex is
 * `[0-9a-f]` only).
 */
export async function listStreamsPage(
  objects: ObjectClient,
  root: string,
  query: { after?: string; prefix?: string; limit: number },
  concurrency: number,
  signal: AbortSignal | undefined,
  headOf: (streamId: string) => Promise<StreamInfo | null>,
): Promise<StreamSummary[]> {
  const prefix = streamsPrefix(root);
  const idPrefix = query.prefix === undefined ? '' : encodeStreamId(query.prefix);
  const listPrefix = `${prefix}${idPrefix}`;
  // '~' sorts after every key inside the `after` stream's folder, and before any longer id's folder.
  let startAfter = query.after === undefined ? undefined : `${prefix}${encodeStreamId(query.after)}/~`;
  const found: StreamSummary[] = [];
  while (found.length < query.limit) {
    const page = await objects.listFolders(listPrefix, { startAfter, limit: Math.min(1000, query.limit - found.length), signal });
    const ids = page.folders.map((folder) => decodeStreamId(idPrefix + folder.slice(0, -1)));
    const heads = await mapBounded(ids, concurrency, headOf);
    ids.forEach((streamId, i) => {
      const head = heads[i];
      if (head && found.length < query.limit) found.push({ streamId, ...head });
    });
    if (!page.truncated || page.folders.length === 0) break;
    startAfter = `${listPrefix}${page.folders.at(-1)}~`;
  }
  return found;
}
