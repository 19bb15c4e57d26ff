/**
 * S3 as a connection URL: `s3://[accessKeyId:secretAccessKey@]bucket[/prefix][?region=..&endpoint=..&pathStyle=..]`.
 * Without credentials in the URL the AWS SDK's default chain applies (environment, profiles, roles).
 */
import { ConfigurationError } from '@streamstore/core';

/** `@streamstore/s3` connection options parsed from an `s3://` URL. */
export interface S3Connection {
  bucket: string;
  prefix?: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Parses an `s3://` URL. The region defaults to `$AWS_REGION`, else `us-east-1`; with an `endpoint` (an
 * S3-compatible server) path-style addressing is on unless `pathStyle=false`.
 * @throws ConfigurationError when it is not one.
 * @example parseS3Url('s3://key:secret@events/app/?endpoint=http://127.0.0.1:7480')
 */
export function parseS3Url(url: string, env: NodeJS.ProcessEnv = process.env): S3Connection {
  const match = /^s3:\/\/(?:([^:@/]+):([^@/]*)@)?([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!match) {
    throw new ConfigurationError(
      'An S3 --url looks like s3://[key:secret@]bucket[/prefix][?region=...&endpoint=http://host:port]',
    );
  }
  const [, keyId, secret, bucket, prefix, query] = match;
  const params = new URLSearchParams(query ?? '');
  const connection: S3Connection = { bucket: bucket as string, region: params.get('region') ?? env.AWS_REGION ?? 'us-east-1' };
  if (prefix) connection.prefix = decodeURIComponent(prefix);
  const endpoint = params.get('endpoint');
  if (endpoint) {
    connection.endpoint = endpoint;
    connection.forcePathStyle = params.get('pathStyle') !== 'false';
  } else if (params.has('pathStyle')) {
    connection.forcePathStyle = params.get('pathStyle') === 'true';
  }
  if (keyId)
    connection.credentials = { accessKeyId: decodeURIComponent(keyId), secretAccessKey: decodeURIComponent(secret ?? '') };
  return connection;
}

/**
 * Where an `s3://` URL points, for messages: bucket, prefix (with `tenant`, the tenant's prefix under it) and the
 * endpoint of an S3-compatible server, credentials left out.
 */
export function describeS3Url(url: string, tenant?: string): string {
  const { bucket, prefix, endpoint } = parseS3Url(url);
  const root = `s3://${bucket}/${prefix ?? ''}${tenant ? `tenants/${tenant}/` : ''}`;
  return endpoint ? `${root} at ${endpoint}` : root;
}
