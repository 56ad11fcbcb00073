/**
 * The browser side of `npm run build` (after tsc):
 *  - measures the min+gzip browser bundle of `switchboard/client` beyond
 *    socket.io-client (its only dependency, left external) and fails above the
 *    budget (issue 14: 12 KB);
 *  - bundles the chat example (examples/chat/chat.tsx with React and
 *    socket.io-client) into dist/examples/chat.js for examples/chat.html.
 *
 *   npx tsx scripts/build-client.ts
 *
 * The browser test (examples/chat.test.ts) calls `buildChatExample` itself.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The size budget of switchboard/client, bytes min+gzip, socket.io-client excluded. */
export const CLIENT_BUDGET_BYTES = 12 * 1024;

export interface BundleSize {
  minified: number;
  gzipped: number;
}

async function bundleSize(external: string[]): Promise<BundleSize> {
  const result = await build({
    entryPoints: [resolve(root, 'src/client/index.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

/** switchboard/client alone (socket.io-client external) and with socket.io-client. */
export async function measureClientBundle(): Promise<{ client: BundleSize; withSocketIo: BundleSize }> {
  return { client: await bundleSize(['socket.io-client']), withSocketIo: await bundleSize([]) };
}

/**
 * Bundles a browser app (React and socket.io-client included) into `outFile`, an IIFE
 * for a classic <script>. `development` keeps React's checks and warnings (tests).
 */
export async function bundleApp(entry: string, outFile: string, mode: 'production' | 'development' = 'production'): Promise<string> {
  mkdirSync(dirname(outFile), { recursive: true });
  await build({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    minify: mode === 'production',
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    outfile: outFile,
    logLevel: 'silent',
  });
  return outFile;
}

/** Bundles the chat example into `outFile` (examples/chat.html loads dist/examples/chat.js). */
export function buildChatExample(outFile = resolve(root, 'dist/examples/chat.js')): Promise<string> {
  return bundleApp('examples/chat/chat.tsx', outFile);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { client, withSocketIo } = await measureClientBundle();
  console.log(
    `switchboard/client: ${kb(client.gzipped)} min+gzip beyond socket.io-client (${kb(client.minified)} minified; ` +
      `${kb(withSocketIo.gzipped)} min+gzip with socket.io-client; budget ${kb(CLIENT_BUDGET_BYTES)})`,
  );
  const out = await buildChatExample();
  console.log(`examples/chat.html bundle: ${out.slice(root.length + 1)}`);
  if (client.gzipped > CLIENT_BUDGET_BYTES) {
    console.error(`switchboard/client is over its size budget: ${kb(client.gzipped)} > ${kb(CLIENT_BUDGET_BYTES)}`);
    process.exit(1);
  }
}
