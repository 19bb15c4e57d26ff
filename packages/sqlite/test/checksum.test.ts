import { ConfigurationError } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirectory } from './temp-files.js';

const files = tempDirectory('checksum');
afterAll(() => files.remove());

describe('an applied migration whose checksum differs from this code', () => {
  it('is refused with ConfigurationError (the SPI error table), the data left alone', async () => {
    const filename = files.next();
    const storage = sqliteStorage({ filename });
    await storage.provision();
    await storage.close();
    const db = new Database(filename);
    db.prepare("UPDATE schema_version SET checksum = 'edited' WHERE version = 1").run();
    db.close();
    const reopened = sqliteStorage({ filename });
    const error = await reopened.provision().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CONFIGURATION', message: expect.stringMatching(/migration 1 .*checksum mismatch/) });
    await reopened.close();
  });
});
