import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** The AWS SDK's documented switch for its Node-version notice (read once, when the first client is built). */
const NOTICE_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Builds an S3 client without the SDK's Node-version notice, which the SDK prints to stderr from the first client's
 * constructor on Node < 22 ("versions published after January 2027 will require node >=22"): a library must not
 * print at its user, and the notice is about the SDK's future releases, not an error of this process. The switch is
 * set only around the constructor and only when the application has not set it, so the process environment is
 * left as it was and an application that sets it keeps its choice. Errors and other warnings are untouched.
 */
export function newS3Client(config: S3ClientConfig): S3Client {
  if (process.env[NOTICE_SWITCH] !== undefined) return new S3Client(config);
  process.env[NOTICE_SWITCH] = 'true';
  try {
    return new S3Client(config);
  } finally {
    delete process.env[NOTICE_SWITCH];
  }
}
