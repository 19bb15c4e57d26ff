/** The machine a result was measured on: numbers mean little without it. */
import { arch, cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

/** Where and when a benchmark ran. */
export interface BenchEnvironment {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  osRelease: string;
  cpuModel: string;
  cores: number;
  totalMemoryMb: number;
  freeMemoryMb: number;
  /** `os.loadavg()` (1, 5, 15 minutes) when the environment was taken: other work on the machine shows here. */
  loadAverage: [number, number, number];
  /** Anything the caller adds: backend package and version, database server version, ... */
  [extra: string]: unknown;
}

/** Describes this process's machine now, plus `extra` (e.g. `{ serverVersion: 'PostgreSQL 15.4' }`). */
export function collectEnvironment(extra: Record<string, unknown> = {}): BenchEnvironment {
  const cpuList = cpus();
  const round = (n: number) => Math.round(n * 100) / 100;
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    freeMemoryMb: Math.round(freemem() / 2 ** 20),
    loadAverage: [round(one), round(five), round(fifteen)],
    ...extra,
  };
}
