/**
 * `npm run bench` (full, about 10 minutes), `npm run bench -- --quick` (under 2
 * minutes, a CI smoke test with no thresholds), `--scenario NAME` (one scenario),
 * `--target bare|switchboard` (one side only), `--clients N` (one size), `--profile` (V8 CPU profiles of the Switchboard server into bench/results/profiles).
 *
 * Writes bench/results/<stamp>.json, .md and .svg; a full run of every scenario
 * also refreshes latest.md, latest.svg and latest.json. Exits 1 only when a case
 * failed to run (a harness or server error), never on a figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import { chartSvg, consoleTable, markdownReport, type RunRecord, tableRows } from './report.js';
import { type CaseResult, planCases, probeFeatures, runCase, SCENARIOS } from './runner.js';
import type { Settings } from './scenarios/types.js';
import type { TargetName } from './targets/target.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    profile: { type: 'boolean', default: false },
    runs: { type: 'string' },
    target: { type: 'string' },
    clients: { type: 'string' },
  },
});

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const quick = values.quick ?? false;
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s`;

const settings: Settings = {
  quick,
  runs: Number(values.runs ?? (quick ? 1 : 3)),
  durationMs: quick ? 1000 : 2500,
  warmupMs: quick ? 300 : 800,
  workers: 2,
  profileDir: values.profile ? `${RESULTS}profiles` : undefined,
  targets: values.target ? [values.target as TargetName] : undefined,
  log: (line) => console.log(`[${elapsed()}] ${line}`),
};

async function main(): Promise<number> {
  if (values.scenario && !SCENARIOS.some((s) => s.name === values.scenario)) {
    console.error(`unknown scenario "${values.scenario}"; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const startedAt = new Date().toISOString();
  const features = await probeFeatures();
  settings.log(`Switchboard features: ${JSON.stringify(features)}`);
  const plan = planCases(settings, values.scenario).filter(({ spec }) => !values.clients || spec.clients === Number(values.clients));
  const cases: CaseResult[] = [];
  for (const [i, { scenario, spec }] of plan.entries()) {
    const label = `[${i + 1}/${plan.length}] ${spec.scenario} ${spec.variant}${spec.setting ? ` [${spec.setting}]` : ''} N=${spec.clients}`;
    cases.push(await runCase(scenario, spec, settings, features, label));
  }

  const record: RunRecord = {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    runsPerCase: settings.runs,
    durationMs: settings.durationMs,
    workers: settings.workers,
    machine: machineInfo(),
    cases,
  };
  const rows = tableRows(cases, SCENARIOS);
  console.log(`\n${consoleTable(rows)}\n`);

  mkdirSync(RESULTS, { recursive: true });
  const stamp = `${startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}${quick ? '-quick' : ''}`;
  const write = (name: string, chartName: string) => {
    writeFileSync(`${RESULTS}${name}.json`, `${JSON.stringify(record, null, 2)}\n`);
    writeFileSync(`${RESULTS}${name}.svg`, chartSvg(record, SCENARIOS));
    writeFileSync(`${RESULTS}${name}.md`, markdownReport(record, rows, chartName));
  };
  write(stamp, `${stamp}.svg`);
  if (!quick && !values.scenario && !values.target && !values.clients) write('latest', 'latest.svg');
  settings.log(`wrote bench/results/${stamp}.{json,md,svg}`);

  const failed = cases.filter((c) => c.results.bare?.error || c.results.switchboard?.error);
  if (failed.length > 0) {
    console.error(`${failed.length} case(s) failed to run`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
