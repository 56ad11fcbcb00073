/** The benchmark's pure parts: percentiles, run summaries, the Markdown table and the SVG chart. No timings. */
import { describe, expect, it } from 'vitest';
import { Histogram } from '../bench/histogram.js';
import { peerOf, sendTimestamp } from '../bench/load/events.js';
import { markdownTable, tableRows } from '../bench/report.js';
import { type CaseResult, planCases } from '../bench/runner.js';
import { fanOut } from '../bench/scenarios/fan-out.js';
import { summarize } from '../bench/stats.js';
import { renderChart } from '../bench/svg.js';

describe('bench harness', () => {
  it('takes percentiles within the bucket width and merges histograms', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 1; i <= 100; i++) (i <= 50 ? a : b).record(i);
    a.add(b.toData());
    expect(a.count).toBe(100);
    expect(a.percentile(50)).toBeGreaterThan(49);
    expect(a.percentile(50)).toBeLessThan(51.5);
    expect(a.percentile(99)).toBeGreaterThan(98);
    expect(new Histogram().percentile(50)).toBeNaN();
  });

  it('summarizes runs as median, min and max', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(summarize([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it('reads the send time from each event and pairs chat users', () => {
    expect(peerOf('u0')).toBe('u1');
    expect(peerOf('u7')).toBe('u6');
    expect(sendTimestamp('tick', 'u0', { t: 12.5 })).toBe(12.5);
    expect(sendTimestamp('broadcast', 'u0', { message: '99.25 xxx' })).toBe(99.25);
    expect(sendTimestamp('notification', 'u0', { data: { t: 5 } })).toBe(5);
    expect(sendTimestamp('message:new', 'u0', { senderId: 'u0', content: '1 x' })).toBeUndefined();
    expect(sendTimestamp('message:new', 'u1', { senderId: 'u0', content: '1 x' })).toBe(1);
  });

  it('renders ratios, skipped rows and a chart', () => {
    const stat = (median: number) => ({ median, min: median, max: median });
    const cases: CaseResult[] = [
      {
        scenario: 'fan-out',
        variant: 'broadcast',
        clients: 100,
        results: {
          bare: { runs: [], summary: { deliveriesPerSec: stat(1000), p99Ms: stat(2) } },
          switchboard: { runs: [], summary: { deliveriesPerSec: stat(500), p99Ms: stat(4) } },
        },
        ratio: { deliveriesPerSec: 0.5, p99Ms: 2 },
      },
      {
        scenario: 'fan-out',
        variant: 'channel',
        clients: 100,
        skipped: 'skipped: feature not present in this build',
        results: {},
        ratio: {},
      },
    ];
    const table = markdownTable(tableRows(cases, [fanOut]));
    expect(table).toContain('| fan-out broadcast | 100 | deliveries/s | 1,000 | 500 | 0.50× |');
    expect(table).toContain('skipped: feature not present in this build');
    const svg = renderChart(
      't',
      [[{ title: 'p', yLabel: 'y', series: [{ name: 'bare', color: '#000', points: [{ x: 100, y: stat(1) }] }] }]],
      [],
    );
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });

  it('plans the issue-10 rows: PostgreSQL chat and notify, POST /api/publish fan-out, one notify call to 10,000 users', () => {
    const plan = planCases({ quick: false, runs: 3, durationMs: 1, warmupMs: 1, workers: 2, log: () => {} }).map(({ spec }) =>
      `${spec.scenario} ${spec.variant} ${spec.clients} ${spec.server?.store ?? ''}`.trim(),
    );
    expect(plan).toEqual(
      expect.arrayContaining([
        'point-to-point chat on PostgreSQL 1000 postgres',
        'notifications notify on PostgreSQL 1000 postgres',
        'http-publish window 1000',
        'http-publish fixed rate 1000',
        'http-publish flat-out 1000',
        'notify-many one call 10000',
      ]),
    );
  });
});
