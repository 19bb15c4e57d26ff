/**
 * A connection URL with its password replaced by `***`, safe to print in messages and logs. A string that is not a
 * URL gets the `//user:password@` form masked too; anything else is returned as it is.
 * @example redactUrlPassword('postgres://app:s3cret@db/events'); // 'postgres://app:***@db/events'
 */
export function redactUrlPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
  }
}
