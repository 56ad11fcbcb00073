/** The shapes shared by the scenarios, the runner and the report. */
import type { LoadCluster } from '../load/cluster.js';
import type { ServerProcess, ServerProcessOptions } from '../targets/server-process.js';
import type { TargetFeatures, TargetName } from '../targets/target.js';

/** One run's figures, by metric key. */
export type Metrics = Record<string, number>;

export interface MetricSpec {
  key: string;
  label: string;
  /** Decides nothing but how the report words the ratio. */
  higherIsBetter: boolean;
  digits?: number;
}

export interface Settings {
  quick: boolean;
  /** Measured runs per case and target (the report shows their median, min and max). */
  runs: number;
  durationMs: number;
  warmupMs: number;
  workers: number;
  profileDir?: string;
  /** Only these targets (`--target bare` checks the scenarios a build lacks); @default both */
  targets?: TargetName[];
  log(line: string): void;
}

/** One row of the report: a scenario variant at one client count, on both targets. */
export interface CaseSpec {
  scenario: string;
  variant: string;
  clients: number;
  /** The build feature the Switchboard side needs. */
  requires?: keyof TargetFeatures;
  /** Server options for this variant (settings experiments). */
  server?: Partial<Omit<ServerProcessOptions, 'target'>>;
  /** Targets to run; @default both */
  targets?: TargetName[];
  /** Set on rows that measure the effect of a performance setting. */
  setting?: string;
  /** Measured runs; @default Settings.runs */
  runs?: number;
}

export interface MeasureContext {
  spec: CaseSpec;
  server: ServerProcessOptions;
  settings: Settings;
  /** Logs a progress line prefixed with the case and target. */
  progress(line: string): void;
}

/**
 * One target made ready for a case. The runner opens a session per target, then
 * alternates their measured runs (bare, Switchboard, Switchboard, bare, …) so that
 * a slow patch of the machine hits both sides alike.
 */
export interface Session {
  run(durationMs: number): Promise<Metrics>;
  close(): Promise<void>;
}

export interface Scenario {
  name: string;
  title: string;
  metrics: MetricSpec[];
  cases(quick: boolean): CaseSpec[];
  open(ctx: MeasureContext): Promise<Session>;
  /** Run once unrecorded before measuring; @default true */
  warmup?: boolean;
}

/** Prepares a started server and its connected clients; returns the measured run. */
export type SessionBody = (server: ServerProcess, cluster: LoadCluster) => Promise<(durationMs: number) => Promise<Metrics>>;
