/**
 * The import graph of src/: no cycle (type imports included: a cycle of types is still
 * a knot for the reader), and the core's store and config import no feature folder, so
 * a feature is added from its folder and the one list in src/features.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.test-d.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g;

/** Relative imports of each file, resolved to the .ts files they name. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) => resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')));
    graph.set(file, targets);
  }
  return graph;
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(SRC, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

/** Folders that hold a feature (a `*-feature.ts`). */
function featureFolders(): string[] {
  return readdirSync(SRC).filter((name) => {
    const dir = join(SRC, name);
    return statSync(dir).isDirectory() && readdirSync(dir).some((file) => file.endsWith('-feature.ts'));
  });
}

describe('import graph', () => {
  const graph = importGraph();

  it('has no cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it.each(['store', 'config'])('src/%s imports no feature', (core) => {
    const features = featureFolders();
    expect(features.length).toBeGreaterThan(3);
    const offending = [...graph]
      .filter(([file]) => relative(SRC, file).startsWith(`${core}/`))
      .flatMap(([file, targets]) =>
        targets
          .filter((t) => features.includes(relative(SRC, t).split('/')[0] as string))
          .map((t) => `${relative(SRC, file)} → ${relative(SRC, t)}`),
      );
    expect(offending).toEqual([]);
  });
});
