/**
 * GET /dashboard: the page (a sign-in form until a key or admin token is given) and
 * its bundle, served from memory. The page itself holds no data: everything it
 * shows comes from the admin routes with the token the user typed, which stays in
 * the tab's sessionStorage. Paths are relative, so the page works under an
 * `httpApi.prefix` too.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';
import { BUNDLE_DIR, buildUi, type UiBundle } from './ui-build.js';

interface Assets extends UiBundle {
  /** A hash of the bundle, so browsers may cache each version for good. */
  version: string;
}

/** Running from the TypeScript sources (tsx, Vitest) rather than from dist/. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

async function readBuilt(): Promise<UiBundle | undefined> {
  try {
    const [js, css] = await Promise.all([readFile(join(BUNDLE_DIR, 'app.js'), 'utf8'), readFile(join(BUNDLE_DIR, 'app.css'), 'utf8')]);
    return { js, css };
  } catch {
    return undefined;
  }
}

/** The built bundle; from source (or a dist/ built without it), a fresh in-memory build. */
async function loadAssets(): Promise<Assets> {
  let bundle = FROM_SOURCE ? undefined : await readBuilt();
  if (!bundle) {
    try {
      bundle = await buildUi();
    } catch (err) {
      throw fail('UNAVAILABLE', `The dashboard bundle is missing (${BUNDLE_DIR}): run \`npm run build\``, {
        reason: (err as Error).message.split('\n')[0],
      });
    }
  }
  const version = createHash('sha256').update(bundle.js).update(bundle.css).digest('hex').slice(0, 12);
  return { ...bundle, version };
}

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secured(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(name: string, version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(name)} · dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="dashboard/app.css?v=${version}">
<script type="module" src="dashboard/app.js?v=${version}"></script>
</head>
<body data-server-name="${escapeHtml(name)}">
<div id="app"><noscript>The dashboard needs JavaScript.</noscript></div>
</body>
</html>
`;
}

export function registerDashboardPage(http: FastifyInstance, ctx: SwitchboardContext): void {
  let assets: Promise<Assets> | undefined;
  const load = () => {
    assets ??= loadAssets().catch((err: unknown) => {
      assets = undefined; // try again on the next request (e.g. after `npm run build`)
      throw err;
    });
    return assets;
  };

  const docs = (summary: string, type: string) => ({ schema: { tags: ['dashboard'], summary, produces: [type] } });
  http.get('/dashboard', docs('The live dashboard (sign in with an API key or an admin token)', 'text/html'), async (request, reply) => {
    // The page's links are relative to /dashboard; /dashboard/ would break them.
    if ((request.url.split('?')[0] ?? '').endsWith('/')) return reply.redirect('../dashboard');
    const { version } = await load();
    return secured(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page(ctx.config.name, version));
  });

  const asset = (file: 'js' | 'css', type: string) => async (request: { query: unknown }, reply: FastifyReply) => {
    const bundle = await load();
    const asked = (request.query as { v?: string }).v;
    // A versioned URL never changes content; an unversioned one is revalidated.
    const cache = asked === bundle.version ? 'public, max-age=31536000, immutable' : 'no-cache';
    return secured(reply).header('cache-control', cache).type(type).send(bundle[file]);
  };
  http.get('/dashboard/app.js', docs('The dashboard script', 'text/javascript'), asset('js', 'text/javascript; charset=utf-8'));
  http.get('/dashboard/app.css', docs('The dashboard styles', 'text/css'), asset('css', 'text/css; charset=utf-8'));
}
