/**
 * The documentation speaks to users: no words they cannot resolve (where the project
 * came from, files outside the repository), and every relative link points at a file
 * that is in the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : filesUnder(path, ext);
    return ext.test(name) ? [path] : [];
  });
}

const DOCS = ['README.md', 'bench/README.md', 'bench/artillery/README.md', ...filesUnder('docs', /\.md$/)];
const USER_FACING = [...DOCS, ...filesUnder('examples', /\.(md|html|tsx?|json)$/)];
const UNRESOLVABLE = [/\bseed\b/i, /shared contract/i, /\.\.\/shared/, /STYLE\.md/, /\bissue [0-9]+/i];

describe('user-facing docs', () => {
  it.each(USER_FACING)('%s uses no word a user cannot resolve', (file) => {
    const text = readFileSync(file, 'utf8');
    for (const word of UNRESOLVABLE) expect(text, `${file} ${word}`).not.toMatch(word);
  });

  it.each(DOCS)('%s links only files that exist', (file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1] ?? '').filter((t) => !/^[a-z]+:/.test(t));
    for (const target of targets) expect(existsSync(join(dirname(file), target)), `${file} → ${target}`).toBe(true);
  });
});
