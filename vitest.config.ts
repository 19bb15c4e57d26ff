import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('./', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources (the CLI's tests run the built binary).
    // `@streamstore/<pkg>` -> packages/<pkg>/src/index.ts, `@streamstore/<pkg>/<entry>` -> packages/<pkg>/src/<entry>.ts
    alias: [
      { find: /^@streamstore\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
      { find: /^@streamstore\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/$2.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    // The 3-node Cassandra cluster tests run with `npm run test:cluster` (their own config), not in `npm test`.
    exclude: [...configDefaults.exclude, 'packages/cassandra/test/cluster/**'],
    globalSetup: ['./scripts/test-services.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
