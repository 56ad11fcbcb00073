/**
 * A hand-written SVG chart, no dependencies: one row per scenario variant, with
 * throughput (left) and latency or memory (right) against the number of clients
 * (log scale), bare and Switchboard on the same axes; whiskers show min–max.
 */
import type { Stat } from './stats.js';

export interface ChartSeries {
  name: string;
  color: string;
  points: Array<{ x: number; y: Stat }>;
}

export interface ChartPanel {
  title: string;
  yLabel: string;
  series: ChartSeries[];
}

const PANEL_W = 420;
const PANEL_H = 230;
const PAD = { left: 70, right: 20, top: 34, bottom: 42 };

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fmt(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e7 ? 0 : 1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(value >= 1e4 ? 0 : 1)}k`;
  return value >= 10 ? value.toFixed(0) : value.toFixed(value >= 1 ? 1 : 2);
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

function panel(p: ChartPanel, ox: number, oy: number): string {
  const xs = p.series.flatMap((s) => s.points.map((pt) => pt.x));
  const ys = p.series.flatMap((s) => s.points.map((pt) => pt.y.max)).filter(Number.isFinite);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMax = niceMax(Math.max(...ys, 0));
  const w = PANEL_W - PAD.left - PAD.right;
  const h = PANEL_H - PAD.top - PAD.bottom;
  const sx = (x: number) =>
    ox + PAD.left + (xMax === xMin ? w / 2 : ((Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * w);
  const sy = (y: number) => oy + PAD.top + h - (Math.min(y, yMax) / yMax) * h;
  const out: string[] = [];
  out.push(`<text x="${ox + PAD.left}" y="${oy + 20}" font-weight="bold">${esc(p.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    out.push(`<line x1="${ox + PAD.left}" x2="${ox + PAD.left + w}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${ox + PAD.left - 6}" y="${sy(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<text x="${sx(x)}" y="${oy + PAD.top + h + 16}" text-anchor="middle">${fmt(x)}</text>`);
  }
  out.push(`<text x="${ox + PAD.left + w / 2}" y="${oy + PAD.top + h + 32}" text-anchor="middle" fill="#555">clients</text>`);
  out.push(
    `<text transform="translate(${ox + 14},${oy + PAD.top + h / 2}) rotate(-90)" text-anchor="middle" fill="#555">${esc(p.yLabel)}</text>`,
  );
  for (const s of p.series) {
    const pts = s.points.filter((pt) => Number.isFinite(pt.y.median)).sort((a, b) => a.x - b.x);
    if (pts.length === 0) continue;
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((pt) => `${sx(pt.x).toFixed(1)},${sy(pt.y.median).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const pt of pts) {
      const x = sx(pt.x).toFixed(1);
      out.push(`<line x1="${x}" x2="${x}" y1="${sy(pt.y.min).toFixed(1)}" y2="${sy(pt.y.max).toFixed(1)}" stroke="${s.color}"/>`);
      out.push(`<circle cx="${x}" cy="${sy(pt.y.median).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
  }
  return out.join('\n');
}

/** Renders rows of panels (two per row) with a shared legend. */
export function renderChart(title: string, rows: ChartPanel[][], legend: Array<{ name: string; color: string }>): string {
  const width = PANEL_W * 2;
  const height = 50 + rows.length * PANEL_H;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  legend.forEach((item, i) => {
    const x = width - 260 + i * 130;
    parts.push(`<rect x="${x}" y="12" width="14" height="4" fill="${item.color}"/><text x="${x + 20}" y="18">${esc(item.name)}</text>`);
  });
  rows.forEach((row, r) => {
    row.forEach((p, c) => {
      parts.push(panel(p, c * PANEL_W, 40 + r * PANEL_H));
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
