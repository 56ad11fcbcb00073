/**
 * GET /: a small page that says what this server is and links where to go next (the
 * dashboard, the API reference, the health check), so a first visit in a browser and
 * a load balancer's probe of `/` get a prompt answer. It is reached on a standalone
 * server; an embedding host app keeps its own `/`. Links are relative, so the page
 * works under an `httpApi.prefix` too.
 */
import type { FastifyInstance } from 'fastify';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(name: string, version: string): string {
  const title = escapeHtml(name);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}a{display:block;margin:.4rem 0}</style>
</head>
<body>
<h1>${title}</h1>
<p>A Switchboard real-time server (version ${escapeHtml(version)}). Clients connect with Socket.IO; apps call the HTTP API.</p>
<nav>
<a href="dashboard">Dashboard: live connections, channels and actions (API key or admin token)</a>
<a href="docs">API reference: every HTTP route, try it in the browser</a>
<a href="openapi.json">OpenAPI document (JSON)</a>
<a href="health">Health check</a>
</nav>
</body>
</html>
`;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function registerHomePage(http: FastifyInstance, name: string, version: string): void {
  const html = page(name, version);
  http.get(
    '/',
    {
      schema: { tags: ['meta'], summary: 'A page linking the dashboard, the API reference and the health check', produces: ['text/html'] },
    },
    (_request, reply) =>
      reply
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(html),
  );
}
