import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory for one test file, with fresh file names inside it and a cleanup. */
export function tempDirectory(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), `streamstore-sqlite-${prefix}-`));
  // Traversable by the unprivileged user the permission tests run as (mkdtemp makes it 0700).
  chmodSync(root, 0o755);
  let counter = 0;
  return {
    root,
    /** A new path (nothing created) inside the directory. */
    next(suffix = '.db'): string {
      counter++;
      return join(root, `f${counter}${suffix}`);
    },
    remove(): void {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
