/**
 * Writes the dashboard's bundle (app.js, app.css) to dist/dashboard/public/, where
 * the server reads it. Part of `npm run build` (and so of `npm install` on a clone,
 * through `prepare`).
 *
 *   npx tsx scripts/build-dashboard.ts
 */
import { BUNDLE_DIR, buildUi } from '../src/dashboard/ui-build.js';

const bundle = await buildUi({ outdir: BUNDLE_DIR });
const kib = (text: string) => `${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`;
console.log(`dashboard bundle: ${BUNDLE_DIR} (app.js ${kib(bundle.js)}, app.css ${kib(bundle.css)})`);
