/**
 * The OpenAPI document and the API reference: the document is valid OpenAPI 3.1 (checked
 * by a real validator), names every route Fastify has (a route left out fails here),
 * carries each route's zod schemas, and /docs serves its page and every asset it links
 * from this server, at the root and under an embedding host's prefix.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { startEmbedded } from '../../test/support/embedded.js';
import { startTestServer } from '../../test/support/server.js';
import { defineFeature } from '../core/feature.js';
import { BUILTIN_FEATURES } from '../features.js';

interface OpenApiDocument {
  openapi: string;
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, { requestBody?: unknown; parameters?: Array<{ name: string; in: string }>; security?: unknown }>>;
}

/** Every route Fastify registers after it, as `METHOD /path/{param}`, except hidden ones and HEAD twins. */
function routeRecorder() {
  const routes = new Set<string>();
  const feature = defineFeature({
    name: 'route-recorder',
    setup: () => ({
      routes: (http) => {
        http.addHook('onRoute', (route) => {
          if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
          const path = route.url.replace(/:(\w+)/g, '{$1}');
          for (const method of [route.method].flat()) if (method !== 'HEAD') routes.add(`${method} ${path}`);
        });
      },
    }),
  });
  return { feature, routes };
}

function operationsOf(doc: OpenApiDocument): Set<string> {
  const operations = new Set<string>();
  for (const [path, methods] of Object.entries(doc.paths))
    for (const method of Object.keys(methods)) operations.add(`${method.toUpperCase()} ${path}`);
  return operations;
}

/** The page's `src`/`href` URLs, resolved against the page. */
function linkedAssets(html: string, pageUrl: string): URL[] {
  return [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1] ?? '', pageUrl));
}

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1 and names every route the server has', async () => {
    const recorder = routeRecorder();
    // First in the list, so the recorder sees every feature's routes.
    const server = await startTestServer({ features: [recorder.feature, ...BUILTIN_FEATURES], config: { testEndpoints: true } });
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDocument;
    expect(doc.openapi).toBe('3.1.0');

    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);

    expect(recorder.routes.size).toBeGreaterThan(40);
    const documented = operationsOf(doc);
    const missing = [...recorder.routes].filter((route) => !documented.has(route));
    expect(missing).toEqual([]);
    for (const route of ['POST /api/publish', 'POST /api/notify', 'GET /api/channels/{channel}/history', 'POST /api/test/notification']) {
      expect(documented).toContain(route);
    }
  });

  it("carries each route's zod schemas: body, path parameters, query and who may call", async () => {
    const server = await startTestServer();
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
    const publish = doc.paths['/api/publish']?.post;
    expect(publish?.requestBody).toMatchObject({
      content: {
        'application/json': { schema: { type: 'object', required: ['channel', 'event'], properties: { channel: { type: 'string' } } } },
      },
    });
    expect(publish?.security).toEqual([{ serverKey: [] }]);
    const history = doc.paths['/api/channels/{channel}/history']?.get;
    expect(history?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['path:channel', 'query:since', 'query:limit']),
    );
    expect(doc.paths['/api/conversations/{id}/members/{userId}']?.put?.parameters?.map((p) => p.name)).toEqual(['id', 'userId']);
  });

  it('leaves validation to the handlers: refusals before input, VALIDATION_FAILED with the fields named', async () => {
    const server = await startTestServer();
    const anonymous = await server.request('POST', '/api/publish', { body: { channel: '' } });
    expect(anonymous.body.error.code).toBe('AUTH_REQUIRED');
    const invalid = await server.request('POST', '/api/publish', { apiKey: true, body: { channel: 'news:1' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { issues: [expect.objectContaining({ path: 'event' })] } },
    });
  });
});

describe('API reference at /docs', () => {
  it('serves the page and every script and style it links from this server', async () => {
    const server = await startTestServer();
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = linkedAssets(html, `${server.url}/docs`);
    expect(assets.map((a) => a.pathname)).toContain('/docs/static/swagger-ui-bundle.js');
    for (const asset of assets) {
      expect(asset.origin).toBe(server.url);
      expect((await fetch(asset)).status, asset.pathname).toBe(200);
    }
    const initializer = await (await fetch(`${server.url}/docs/static/swagger-initializer.js`)).text();
    expect(initializer).toContain("resolveUrl('./json')");
    expect(((await (await fetch(`${server.url}/docs/json`)).json()) as OpenApiDocument).openapi).toBe('3.1.0');
  });

  it('works under the prefix of an embedding host app', async () => {
    const url = await startEmbedded({ prefix: '/rt' });
    const doc = (await (await fetch(`${url}/rt/openapi.json`)).json()) as OpenApiDocument;
    expect(doc.servers).toEqual([{ url: '/rt' }]);
    const html = await (await fetch(`${url}/rt/docs`)).text();
    const assets = linkedAssets(html, `${url}/rt/docs`);
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      expect(asset.pathname.startsWith('/rt/docs/static/'), asset.pathname).toBe(true);
      expect((await fetch(asset)).status, asset.pathname).toBe(200);
    }
    // The UI fetches ./json relative to the page: /rt/docs/json.
    expect((await fetch(`${url}/rt/docs/json`)).status).toBe(200);
    expect(await (await fetch(`${url}/docs`)).text()).toBe('host');
  });
});
