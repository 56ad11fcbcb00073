/** Median, min and max of repeated runs, and the Switchboard / bare ratio. */
import type { Metrics } from './scenarios/types.js';

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Stat {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function summarizeRuns(runs: Metrics[]): Record<string, Stat> {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run)))];
  return Object.fromEntries(keys.map((key) => [key, summarize(runs.map((run) => run[key] ?? Number.NaN))]));
}
