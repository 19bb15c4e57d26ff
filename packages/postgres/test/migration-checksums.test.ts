/**
 * The checksums of every migration as databases recorded them when it was applied. A change to an applied
 * migration's text (moving it to a file, reformatting it) must keep its checksum, or provisioning refuses every
 * existing database: this pins them.
 */
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrationChecksum } from '../src/migrations.js';

const RECORDED: Record<number, string> = {
  1: 'b2b980c6f3f4a7ee07533c9634fc431395a61662a829b9963a3b0b072967a123',
  2: '9ed5b3738053f0dc43bb3acffd89aa6de8dfc1505719e204b55b3c7dcd6aa26b',
  3: '8e22d09ba3b2b94514d9a1f2acec1181a821de4b163b6f523a35a435589ed828',
  4: '80a6dce7fda1c3c19710d067f33a83f62cfe28fdc95c7993f19cc594886ef44e',
  5: 'b4b22b92e9bbae1052938c8ae62cc078ae44a270f4b0c1ae69bc80e6a4a80ee5',
  6: '6dba502aa1fbd56a79ac734c9517d5a0ad2eee41fcadc21478f2fe8e05d571ed',
  7: '43d6cc305e759a8cef4d3236629a6405110922fb35af0f639f1e05119784d375',
  8: 'e6abab6fb3d9e5e2f9bc5a269abd9950e3c7f54941602d2770c2489f9f58aca1',
  9: '8efaef98aadf55481d77e672e4782f1a4013697c3a5290fdf45be7e339660c65',
  10: 'f9f8e30119f659fc8909a75e9bf6287be26ab59ef7cf5c220be5c004cc9ca236',
  11: '10afef8b76583289d625724fec673bde7abc4aaec1b919c160d9d71e30f9321d',
  12: 'cb47bbcf691a533cc128144cc7c1955ac4ff92fae9123aa49e40b8c3dceb99b8',
};

describe('postgres migrations', () => {
  it('keep the checksums existing databases recorded', () => {
    for (const migration of MIGRATIONS) {
      if (RECORDED[migration.version] === undefined) continue; // a new migration: pin it here once it ships
      expect(migrationChecksum(migration), `migration ${migration.version}`).toBe(RECORDED[migration.version]);
    }
    // Versions only grow; a gap is a number reserved by a change not merged yet (its databases never apply it twice).
    const versions = MIGRATIONS.map((migration) => migration.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });
});
