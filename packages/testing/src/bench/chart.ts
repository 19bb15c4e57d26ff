/**
 * The HTML chart of a report (`streamstore bench --chart`): one self-contained file, inline SVG and CSS only, so it
 * opens from disk in any browser, without a server or network.
 */
import type { BenchReport, BenchResult } from './result.js';
import { escapeXml, lineChart } from './svg-chart.js';
import { environmentLines, growthTable, resultsTable } from './table.js';

/** x position of a percentile on the "nines" axis: 0 at p0, 1 at p90, 2 at p99, 3 at p99.9, ... */
function nines(percentile: number): number {
  return Math.log10(100 / Math.max(100 - percentile, 0.0001));
}

const NINES_TICKS: Array<[number, string]> = [
  [0, '0%'],
  [nines(50), '50%'],
  [1, '90%'],
  [2, '99%'],
  [3, '99.9%'],
  [4, '99.99%'],
];

function latencyChart(workload: string, results: BenchResult[]): string {
  return lineChart({
    title: `${workload}: commit latency distribution`,
    xLabel: 'percentile',
    yLabel: 'ms (log scale)',
    logY: true,
    xTicks: NINES_TICKS.filter(([x]) => x <= 4),
    series: results.map((result) => ({
      name: result.subject.name,
      points: result.latency.commit.distribution.filter(([p]) => p < 100 && nines(p) <= 4).map(([p, ms]) => [nines(p), ms]),
    })),
  });
}

function throughputChart(workload: string, results: BenchResult[]): string {
  return lineChart({
    title: `${workload}: events written per second over time`,
    xLabel: 'seconds',
    yLabel: 'events/s',
    series: results.map((result) => ({
      name: result.subject.name,
      points: result.timeline.map((point) => [point.t, point.writeEventsPerSecond]),
    })),
  });
}

function growthChart(workload: string, results: BenchResult[]): string {
  return lineChart({
    title: `${workload}: events/s per chunk as the store grows`,
    xLabel: 'events in the store',
    yLabel: 'events/s',
    series: results
      .filter((result) => result.growth)
      .map((result) => ({
        name: result.subject.name,
        points: (result.growth?.chunks ?? []).map((chunk) => [chunk.eventsAtEnd, chunk.eventsPerSecond]),
      })),
  });
}

/** Renders `report` as a standalone HTML page: per workload, latency distributions and throughput over time. */
export function renderChartHtml(report: BenchReport, title = 'StreamStore benchmark'): string {
  const workloads = [...new Set(report.results.map((result) => result.workload.name))];
  const sections = workloads.map((workload) => {
    const results = report.results.filter((result) => result.workload.name === workload);
    const description = results[0]?.workload.description ?? '';
    const charts = [latencyChart(workload, results), throughputChart(workload, results)];
    if (results.some((result) => result.growth)) charts.push(growthChart(workload, results));
    return `<section><h2>${escapeXml(workload)}</h2><p>${escapeXml(description)}</p>\n${charts.join('\n')}</section>`;
  });
  const first = report.results[0];
  const summary = [...resultsTable(report.results), '', ...growthTable(report.results)].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}svg{margin:8px 16px 8px 0;border:1px solid #ddd;background:#fff}
pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:12px}</style></head>
<body><h1>${escapeXml(title)}</h1>
<p>${escapeXml(report.createdAt)} — <code>${escapeXml(report.command)}</code></p>
<pre>${escapeXml(first ? environmentLines(first).join('\n') : '')}</pre>
<pre>${escapeXml(summary)}</pre>
${sections.join('\n')}
</body></html>
`;
}
