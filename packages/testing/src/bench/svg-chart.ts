/** A minimal line chart as inline SVG (no scripts, no external resources): axes, ticks, one polyline per series. */

/** One line of a chart. */
export interface ChartSeries {
  name: string;
  points: Array<[number, number]>;
}

/** What to draw. */
export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Custom x ticks (value, label); default: 5 even ticks. */
  xTicks?: Array<[number, string]>;
  /** Log-scale y axis (latencies spanning orders of magnitude). */
  logY?: boolean;
  width?: number;
  height?: number;
}

/** Colors of the series, in order (color-blind friendly). */
export const SERIES_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#f0e442', '#000000'];

/** Escapes text for HTML and SVG. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function niceNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(0);
  if (magnitude >= 1) return value.toFixed(1);
  return value.toPrecision(2);
}

/** Renders `spec` as an `<svg>` element string. */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 320;
  const margin = { left: 70, right: 150, top: 30, bottom: 45 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const all = spec.series.flatMap((series) => series.points);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y).filter((y) => !spec.logY || y > 0);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs, xMin + 1e-9) : 1;
  const yMinRaw = ys.length ? Math.min(...ys) : 0;
  const yMaxRaw = ys.length ? Math.max(...ys) : 1;
  const yMin = spec.logY ? 10 ** Math.floor(Math.log10(Math.max(yMinRaw, 1e-3))) : 0;
  const yMax = spec.logY ? 10 ** Math.ceil(Math.log10(Math.max(yMaxRaw, yMin * 10))) : Math.max(yMaxRaw * 1.1, 1e-9);
  const scaleX = (x: number) => margin.left + ((x - xMin) / (xMax - xMin || 1)) * plotWidth;
  const scaleY = (y: number) => {
    const fraction = spec.logY
      ? (Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))
      : y / yMax;
    return margin.top + plotHeight - fraction * plotHeight;
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${margin.left}" y="18" font-size="13" font-weight="bold">${escapeXml(spec.title)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
  ];
  const yTicks = spec.logY
    ? Array.from({ length: Math.round(Math.log10(yMax / yMin)) + 1 }, (_, i) => yMin * 10 ** i)
    : Array.from({ length: 6 }, (_, i) => (yMax * i) / 5);
  for (const tick of yTicks) {
    const y = scaleY(tick);
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end">${niceNumber(tick)}</text>`);
  }
  const xTicks =
    spec.xTicks ??
    Array.from(
      { length: 6 },
      (_, i) => [xMin + ((xMax - xMin) * i) / 5, niceNumber(xMin + ((xMax - xMin) * i) / 5)] as [number, string],
    );
  for (const [value, label] of xTicks) {
    const x = scaleX(value);
    parts.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${margin.top + plotHeight + 15}" text-anchor="middle">${escapeXml(label)}</text>`);
  }
  parts.push(
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  spec.series.forEach((series, index) => {
    const color = SERIES_COLORS[index % SERIES_COLORS.length];
    const points = series.points.map(([x, y]) => `${scaleX(x).toFixed(1)},${scaleY(y).toFixed(1)}`).join(' ');
    if (series.points.length > 0) {
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
      if (series.points.length <= 30) {
        for (const [x, y] of series.points) {
          parts.push(`<circle cx="${scaleX(x).toFixed(1)}" cy="${scaleY(y).toFixed(1)}" r="2.5" fill="${color}"/>`);
        }
      }
    }
    const legendY = margin.top + 10 + index * 16;
    parts.push(
      `<line x1="${width - margin.right + 10}" x2="${width - margin.right + 28}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${width - margin.right + 32}" y="${legendY + 4}">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
