/**
 * The outputs of a run: the JSON record, the Markdown report, the SVG chart and
 * the console table. Every figure is the median of the runs with [min–max].
 */
import type { MachineInfo } from './machine.js';
import type { CaseResult } from './runner.js';
import type { MetricSpec, Scenario } from './scenarios/types.js';
import type { Stat } from './stats.js';
import { type ChartPanel, renderChart } from './svg.js';

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  mode: 'quick' | 'full';
  runsPerCase: number;
  durationMs: number;
  workers: number;
  machine: MachineInfo;
  cases: CaseResult[];
}

export const COLORS = { bare: '#4c78a8', switchboard: '#f58518' } as const;

export function formatValue(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatStat(stat: Stat | undefined, digits = 0): string {
  if (!stat || !Number.isFinite(stat.median)) return '–';
  if (stat.min === stat.max) return formatValue(stat.median, digits);
  return `${formatValue(stat.median, digits)} (${formatValue(stat.min, digits)}–${formatValue(stat.max, digits)})`;
}

function caseName(c: CaseResult): string {
  return `${c.scenario} ${c.variant}${c.setting ? ` [${c.setting}]` : ''}`;
}

export interface TableRow {
  name: string;
  clients: number;
  metric: string;
  bare: string;
  switchboard: string;
  ratio: string;
}

/** One row per case and metric; skipped and failed cases get one row saying so. */
export function tableRows(cases: CaseResult[], scenarios: Scenario[]): TableRow[] {
  const rows: TableRow[] = [];
  for (const c of cases) {
    const scenario = scenarios.find((s) => s.name === c.scenario);
    const base = { name: caseName(c), clients: c.clients };
    const failure = c.skipped ?? [c.results.bare?.error, c.results.switchboard?.error].filter(Boolean).join('; ');
    if (failure) {
      rows.push({ ...base, metric: '', bare: c.skipped ? '' : 'see note', switchboard: c.skipped ?? failure, ratio: '' });
      continue;
    }
    for (const metric of scenario?.metrics ?? ([] as MetricSpec[])) {
      const ratio = c.ratio[metric.key];
      rows.push({
        ...base,
        metric: metric.label,
        bare: formatStat(c.results.bare?.summary[metric.key], metric.digits),
        switchboard: formatStat(c.results.switchboard?.summary[metric.key], metric.digits),
        ratio: ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
      });
    }
  }
  return rows;
}

export function markdownTable(rows: TableRow[]): string {
  const lines = ['| scenario | clients | metric | bare Socket.IO | Switchboard | Switchboard / bare |', '|---|---:|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.name} | ${formatValue(r.clients)} | ${r.metric} | ${r.bare} | ${r.switchboard} | ${r.ratio} |`);
  return lines.join('\n');
}

/** A fixed-width table for the terminal. */
export function consoleTable(rows: TableRow[]): string {
  const header: TableRow = { name: 'scenario', clients: 0, metric: 'metric', bare: 'bare', switchboard: 'switchboard', ratio: 'sb/bare' };
  const cells = [header, ...rows].map((r, i) => [
    r.name,
    i === 0 ? 'clients' : formatValue(r.clients),
    r.metric,
    r.bare,
    r.switchboard,
    r.ratio,
  ]);
  const widths = cells[0]!.map((_, col) => Math.max(...cells.map((row) => row[col]!.length)));
  return cells
    .map((row) => row.map((cell, col) => (col === 0 || col === 2 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '))
    .join('\n');
}

/** Chart rows: scenario variants measured at two or more client counts (settings rows excluded). */
export function chartSvg(record: RunRecord, scenarios: Scenario[]): string {
  const groups = new Map<string, CaseResult[]>();
  for (const c of record.cases) {
    if (c.setting || c.skipped) continue;
    const key = `${c.scenario} ${c.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const rows: ChartPanel[][] = [];
  for (const [key, cases] of groups) {
    if (cases.length < 2) continue;
    const scenario = scenarios.find((s) => s.name === cases[0]!.scenario);
    const throughput = scenario?.metrics[0];
    const second = scenario?.metrics.find((m) => m.key === 'p99Ms' || m.key === 'rssKiBPerConn');
    if (!throughput || !second) continue;
    const series = (metric: MetricSpec) =>
      (['bare', 'switchboard'] as const).map((target) => ({
        name: target,
        color: COLORS[target],
        points: cases.flatMap((c) => {
          const y = c.results[target]?.summary[metric.key];
          return y ? [{ x: c.clients, y }] : [];
        }),
      }));
    rows.push([
      { title: `${key}: ${throughput.label}`, yLabel: throughput.label, series: series(throughput) },
      { title: `${key}: ${second.label}`, yLabel: second.label, series: series(second) },
    ]);
  }
  return renderChart(`Switchboard vs bare Socket.IO (${record.mode}, ${record.startedAt.slice(0, 10)})`, rows, [
    { name: 'bare Socket.IO', color: COLORS.bare },
    { name: 'Switchboard', color: COLORS.switchboard },
  ]);
}

export function markdownReport(record: RunRecord, rows: TableRow[], chartFile: string): string {
  const m = record.machine;
  const skipped = [...new Set(record.cases.filter((c) => c.skipped).map((c) => `${c.scenario} ${c.variant}`))];
  const settings = record.cases.filter((c) => c.setting);
  return [
    `# Benchmark: Switchboard vs bare Socket.IO (${record.mode} run)`,
    '',
    `Started ${record.startedAt}, finished ${record.finishedAt}.`,
    '',
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, socket.io ${m.socketIo}, bufferutil ${m.bufferutil ? 'installed' : 'absent'}.`,
    `Each figure is the median of ${record.runsPerCase} run(s) of ${record.durationMs / 1000} s (after a warm-up run), with (min–max); ${record.workers} load worker processes; everything on 127.0.0.1.`,
    '',
    markdownTable(rows.filter((r) => !settings.some((s) => caseName(s) === r.name))),
    '',
    ...(settings.length
      ? [
          '## Settings tried (compare with the default row of the same scenario and size)',
          '',
          markdownTable(rows.filter((r) => r.name.includes('['))),
          '',
        ]
      : []),
    ...(skipped.length ? ['## Skipped', '', ...skipped.map((s) => `- ${s}: feature not present in this build`), ''] : []),
    `![throughput and latency against clients](${chartFile})`,
    '',
    'Method: see [bench/README.md](../README.md).',
    '',
  ].join('\n');
}
