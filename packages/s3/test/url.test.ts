import { describe, expect, it } from 'vitest';
import { parseS3Url } from '../src/url.js';

describe('s3:// connection strings', () => {
  it('gives bucket, prefix, credentials and an S3-compatible endpoint with path-style addressing', () => {
    expect(parseS3Url('s3://key:s%2Fcret@events/app/one/?endpoint=http://127.0.0.1:7480&region=eu-west-1', {})).toEqual({
      bucket: 'events',
      prefix: 'app/one/',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:7480',
      forcePathStyle: true,
      credentials: { accessKeyId: 'key', secretAccessKey: 's/cret' },
    });
  });

  it('leaves credentials to the SDK and takes the region from $AWS_REGION, else us-east-1', () => {
    expect(parseS3Url('s3://events', { AWS_REGION: 'eu-central-1' })).toEqual({ bucket: 'events', region: 'eu-central-1' });
    expect(parseS3Url('s3://events/p/', {})).toEqual({ bucket: 'events', prefix: 'p/', region: 'us-east-1' });
  });

  it('refuses anything else with a ConfigurationError', () => {
    expect(() => parseS3Url('https://events.s3.amazonaws.com/', {})).toThrow(expect.objectContaining({ code: 'CONFIGURATION' }));
    expect(() => parseS3Url('s3://Not_A_Bucket', {})).toThrow(/An S3 --url looks like/);
  });
});
