/**
 * Runs the cases: probes which features the Switchboard build has, skips cases
 * whose feature is missing, measures each remaining case on both targets, and
 * keeps going past a failed case (recorded with its error).
 */
import { connections } from './scenarios/connections.js';
import { fanOut } from './scenarios/fan-out.js';
import { notifications } from './scenarios/notifications.js';
import { pointToPoint, requestReply } from './scenarios/point-to-point.js';
import { settingsCases } from './scenarios/settings.js';
import type { CaseSpec, Metrics, Scenario, Settings } from './scenarios/types.js';
import { type Stat, summarizeRuns } from './stats.js';
import { ServerProcess } from './targets/server-process.js';
import type { TargetFeatures, TargetName } from './targets/target.js';

export const SCENARIOS: Scenario[] = [fanOut, pointToPoint, connections, notifications, requestReply];

export const SKIPPED_FEATURE = 'skipped: feature not present in this build';

export interface TargetResult {
  runs: Metrics[];
  summary: Record<string, Stat>;
  error?: string;
}

export interface CaseResult extends CaseSpec {
  skipped?: string;
  results: Partial<Record<TargetName, TargetResult>>;
  /** Switchboard median ÷ bare median, per metric. */
  ratio: Record<string, number>;
}

/** Starts one Switchboard child to see which optional features this build has. */
export async function probeFeatures(): Promise<TargetFeatures> {
  const server = await ServerProcess.start({ target: 'switchboard' });
  try {
    return server.features;
  } finally {
    await server.stop();
  }
}

export function planCases(settings: Settings, only?: string): Array<{ scenario: Scenario; spec: CaseSpec }> {
  const plan = SCENARIOS.flatMap((scenario) => scenario.cases(settings.quick).map((spec) => ({ scenario, spec })));
  plan.push(...settingsCases(settings.quick).map((spec) => ({ scenario: fanOut, spec })));
  return only ? plan.filter(({ scenario }) => scenario.name === only) : plan;
}

export async function runCase(
  scenario: Scenario,
  spec: CaseSpec,
  settings: Settings,
  features: TargetFeatures,
  label: string,
): Promise<CaseResult> {
  const result: CaseResult = { ...spec, results: {}, ratio: {} };
  const targets = (spec.targets ?? (['bare', 'switchboard'] as TargetName[])).filter(
    (t) => !settings.targets || settings.targets.includes(t),
  );
  if (spec.requires && !features[spec.requires] && targets.includes('switchboard')) {
    result.skipped = SKIPPED_FEATURE;
    settings.log(`${label} ${SKIPPED_FEATURE} (${spec.requires})`);
    return result;
  }
  for (const target of targets) {
    const prefix = `${label} ${target}:`;
    settings.log(`${prefix} starting`);
    try {
      const runs = await scenario.measure({
        spec,
        settings,
        server: { target, ...spec.server, profileDir: target === 'switchboard' ? settings.profileDir : undefined },
        progress: (line) => settings.log(`${prefix} ${line}`),
      });
      result.results[target] = { runs, summary: summarizeRuns(runs) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      settings.log(`${prefix} FAILED: ${message}`);
      result.results[target] = { runs: [], summary: {}, error: message };
    }
  }
  const bare = result.results.bare?.summary;
  const sb = result.results.switchboard?.summary;
  if (bare && sb) {
    for (const metric of scenario.metrics) {
      const b = bare[metric.key]?.median;
      const s = sb[metric.key]?.median;
      if (b !== undefined && s !== undefined && b !== 0) result.ratio[metric.key] = s / b;
    }
  }
  return result;
}
