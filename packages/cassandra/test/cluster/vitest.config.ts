import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from '../../../../vitest.config.js';

// `npm run test:cluster`: only the cluster tests (the root config excludes them from `npm test`). The cluster is
// started by the npm script (scripts/services/cassandra-cluster/start.sh), not by the global setup.
const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The node-loss test runs last: it leaves two nodes killed (start.sh brings them back). */
class NodeLossLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const last = (file: TestSpecification) => (file.moduleId.endsWith('node-loss.test.ts') ? 1 : 0);
    return [...sorted].sort((a, b) => last(a) - last(b));
  }
}

export default mergeConfig(
  { ...base, test: { ...base.test, include: [], exclude: [], globalSetup: [] } },
  defineConfig({
    root,
    test: {
      include: ['packages/cassandra/test/cluster/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 300_000,
      // The node-loss test kills and restarts nodes: the cluster files run one after the other.
      fileParallelism: false,
      sequence: { sequencer: NodeLossLast },
    },
  }),
);
