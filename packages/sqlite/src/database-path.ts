import { type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigurationError } from '@streamstore/core';

/** Whether `filename` names a database in the connection's memory (`:memory:`, `''` or a `file::memory:` URI). */
export function isMemoryFilename(filename: string): boolean {
  return filename === ':memory:' || filename === '' || filename.startsWith('file::memory:');
}

/**
 * Checks the path before SQLite sees it, because SQLite's own answers mislead: a directory opens as an I/O error
 * when read-only, and a missing parent directory or a missing read-only file are both "unable to open database file".
 * The `fs` error is the `cause`. Anything `stat` cannot decide (permissions) is left to SQLite.
 */
export function checkDatabasePath(filename: string, readonly: boolean): void {
  if (filename === ':memory:') return;
  const file = statOrError(filename);
  if (file instanceof Error) {
    if (file.code !== 'ENOENT') return;
    if (readonly) {
      throw new ConfigurationError(`SQLite database '${filename}' does not exist (readonly: true never creates it)`, {
        cause: file,
      });
    }
    checkParentDirectory(filename);
    return;
  }
  if (file.isDirectory()) {
    throw new ConfigurationError(`SQLite database path '${filename}' is a directory, not a database file`);
  }
}

function checkParentDirectory(filename: string): void {
  const directory = dirname(filename);
  const parent = statOrError(directory);
  if (parent instanceof Error) {
    if (parent.code === 'ENOENT') {
      throw new ConfigurationError(
        `SQLite database '${filename}' cannot be created: its directory '${directory}' does not exist (create it first)`,
        { cause: parent },
      );
    }
    if (parent.code === 'ENOTDIR') {
      throw new ConfigurationError(`SQLite database '${filename}' cannot be created: '${directory}' is not a directory`, {
        cause: parent,
      });
    }
    return;
  }
  if (!parent.isDirectory()) {
    throw new ConfigurationError(`SQLite database '${filename}' cannot be created: '${directory}' is not a directory`);
  }
}

function statOrError(path: string): Stats | NodeJS.ErrnoException {
  try {
    return statSync(path);
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}
