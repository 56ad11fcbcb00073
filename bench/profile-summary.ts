/**
 * Summarizes V8 CPU profiles written by `npm run bench -- --profile`: self time by
 * function and by module (a package in node_modules, a file of src/, or node
 * internals), so the biggest costs of the server's hot path stand out.
 *
 *   npx tsx bench/profile-summary.ts bench/results/profiles/*.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

function moduleOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  const src = url.match(/\/(src|bench)\/(.+)$/);
  if (src) return `${src[1]}/${src[2]}`;
  return url.startsWith('node:') ? url : url.split('/').slice(-2).join('/');
}

function top(map: Map<string, number>, total: number, count: number): string {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`)
    .join('\n');
}

const byFunction = new Map<string, number>();
const byModule = new Map<string, number>();
let total = 0;
for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples?.forEach((id, i) => {
    const node = nodes.get(id);
    const micros = profile.timeDeltas?.[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += micros;
    const where = moduleOf(node.callFrame.url);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    byModule.set(where, (byModule.get(where) ?? 0) + micros);
  });
}
console.log(
  `busy time: ${(total / 1000).toFixed(0)} ms\n\nby module:\n${top(byModule, total, 25)}\n\nby function:\n${top(byFunction, total, 30)}`,
);
