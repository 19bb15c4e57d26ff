/**
 * Vitest global setup: starts the test servers the selected test files need (idempotent start scripts under
 * scripts/services/). PostgreSQL is expected on 127.0.0.1:5432 already. Set STREAMSTORE_SKIP_SERVICES=1 when the
 * servers are managed elsewhere (e.g. .ci/run has started them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const services: Array<{ name: string; needed: RegExp }> = [
  { name: 'cassandra', needed: /packages\/cassandra\// },
  { name: 's3', needed: /packages\/s3\// },
];

export default function setup(project: { config: { include: string[] }; vitest?: { state?: unknown } }): void {
  if (process.env.STREAMSTORE_SKIP_SERVICES === '1') return;
  const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-') && arg !== 'run');
  for (const service of services) {
    const selected =
      filters.length === 0 || filters.some((filter) => service.needed.test(filter) || filter.includes(service.name));
    const script = fileURLToPath(new URL(`./services/${service.name}/start.sh`, import.meta.url));
    if (!selected || !existsSync(script)) continue;
    execFileSync('bash', [script], { stdio: 'inherit' });
  }
  void project;
}
