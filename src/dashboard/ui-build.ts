/**
 * Bundles the dashboard's browser code (src/dashboard/ui/, Preact) with esbuild:
 * at build time into dist/dashboard/public/ (`npm run build`), or in memory when
 * the server runs from source (tsx, Vitest), so the page always matches the code.
 * esbuild is a development dependency: an installed package serves the bundle that
 * the build wrote and never loads it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, two levels up from src/dashboard/ and dist/dashboard/ alike. */
const ROOT = new URL('../../', import.meta.url);

/** Where `npm run build` writes the bundle, and where an installed server reads it. */
export const BUNDLE_DIR = fileURLToPath(new URL('dist/dashboard/public/', ROOT));

const ENTRY = fileURLToPath(new URL('src/dashboard/ui/main.tsx', ROOT));

/** The bundle's files: `app.js` and `app.css`. */
export interface UiBundle {
  js: string;
  css: string;
}

/**
 * Builds the bundle; with `outdir`, also writes app.js and app.css there.
 * Throws when esbuild or the sources are absent (an installed package).
 */
export async function buildUi(options: { outdir?: string } = {}): Promise<UiBundle> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    // Browsers of the last few years; no polyfills.
    target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'eof',
    entryNames: 'app',
    outdir: BUNDLE_DIR,
    write: false,
    logLevel: 'silent',
  });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  const bundle = { js: text('.js'), css: text('.css') };
  if (options.outdir !== undefined) {
    await mkdir(options.outdir, { recursive: true });
    await writeFile(join(options.outdir, 'app.js'), bundle.js);
    await writeFile(join(options.outdir, 'app.css'), bundle.css);
  }
  return bundle;
}
