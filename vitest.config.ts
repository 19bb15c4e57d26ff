import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the CLI's tests run the built binary.
    alias: Object.fromEntries(
      ['core', 'testing', 'sqlite', 'postgres', 'cassandra', 's3', 'cli'].map((name) => [`@streamstore/${name}`, pkg(name)]),
    ),
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    globalSetup: ['./scripts/test-services.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
