/**
 * Runs the cases: probes which features the Switchboard build has, skips cases
 * whose feature is missing, measures each remaining case on both targets (runs
 * alternating between them), and
 * keeps going past a failed case (recorded with its error).
 */
import { connections } from './scenarios/connections.js';
import { fanOut } from './scenarios/fan-out.js';
import { formatMetrics } from './scenarios/harness.js';
import { httpPublish } from './scenarios/http-publish.js';
import { notifications, notifyMany } from './scenarios/notifications.js';
import { pointToPoint, requestReply } from './scenarios/point-to-point.js';
import { settingsCases } from './scenarios/settings.js';
import type { CaseSpec, Metrics, Scenario, Session, Settings } from './scenarios/types.js';
import { type Stat, summarizeRuns } from './stats.js';
import { ServerProcess } from './targets/server-process.js';
import type { TargetFeatures, TargetName } from './targets/target.js';

export const SCENARIOS: Scenario[] = [fanOut, httpPublish, pointToPoint, connections, notifications, notifyMany, requestReply];

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
  for (const spec of settingsCases(settings.quick)) {
    const scenario = SCENARIOS.find((s) => s.name === spec.scenario);
    if (scenario) plan.push({ scenario, spec });
  }
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
  const sessions = new Map<TargetName, Session>();
  const runs = new Map<TargetName, Metrics[]>(targets.map((t) => [t, []]));
  const fail = async (target: TargetName, err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    settings.log(`${label} ${target}: FAILED: ${message}`);
    result.results[target] = { runs: [], summary: {}, error: message };
    await sessions.get(target)?.close();
    sessions.delete(target);
  };
  try {
    for (const target of targets) {
      const progress = (line: string) => settings.log(`${label} ${target}: ${line}`);
      progress('starting');
      try {
        const server = { target, ...spec.server, profileDir: target === 'switchboard' ? settings.profileDir : undefined };
        sessions.set(target, await scenario.open({ spec, settings, server, progress }));
        if (scenario.warmup !== false) await sessions.get(target)?.run(settings.warmupMs);
      } catch (err) {
        await fail(target, err);
      }
    }
    const count = spec.runs ?? settings.runs;
    for (let i = 0; i < count; i++) {
      // Alternate the order so that neither side always runs first.
      for (const target of i % 2 ? [...targets].reverse() : targets) {
        const session = sessions.get(target);
        if (!session) continue;
        try {
          const metrics = await session.run(settings.durationMs);
          settings.log(`${label} ${target}: run ${i + 1}/${count}: ${formatMetrics(metrics)}`);
          runs.get(target)?.push(metrics);
        } catch (err) {
          await fail(target, err);
        }
      }
    }
  } finally {
    for (const session of sessions.values()) await session.close();
  }
  for (const target of sessions.keys()) {
    const list = runs.get(target) ?? [];
    result.results[target] = { runs: list, summary: summarizeRuns(list) };
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
