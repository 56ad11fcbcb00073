/**
 * The HTTP API described by its own route schemas: the OpenAPI 3.1 document at
 * `/openapi.json` (@fastify/swagger, zod → JSON Schema by fastify-type-provider-zod)
 * and an interactive reference at `/docs` (@fastify/swagger-ui, whose scripts and
 * styles ship in the package and are served from here: no CDN at run time).
 *
 * Route schemas describe; handlers validate. Each route declares the zod schemas of
 * its body, params and querystring in `schema`, and its handler parses with the same
 * schema objects (`parseOrFail`) after its guard, so a caller without the right token
 * is refused before any input is read and a bad input answers VALIDATION_FAILED with
 * the fields named, as the socket events do. Fastify's own validation step is
 * therefore a pass-through (it would otherwise compile the zod objects with Ajv).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import { ERROR_CODES } from '../protocol/error-codes.js';

export interface ApiDocsOptions {
  title: string;
  version: string;
  /** Where the HTTP API is mounted on the host server (`''` at the root). */
  prefix: string;
}

/** Who may call a route, as the document's `security` says. */
type Security = Array<Record<string, string[]>>;
export const SERVER_AUTH: Security = [{ serverKey: [] }];
export const USER_AUTH: Security = [{ userToken: [] }];
export const USER_OR_SERVER_AUTH: Security = [{ userToken: [] }, { serverKey: [] }];

const errorBody: OpenAPIV3_1.SchemaObject = {
  type: 'object',
  required: ['ok', 'error'],
  properties: {
    ok: { type: 'boolean', const: false },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true, description: 'e.g. `issues: [{ path, message }]` for VALIDATION_FAILED' },
      },
    },
  },
};

const successBody = {
  description: 'Success: `ok: true` and the data of the route',
  content: {
    'application/json': {
      schema: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean', const: true } }, additionalProperties: true },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** Media types a route answers with other than JSON (declared as `produces` in its schema). */
function successFor(produces: readonly string[] | undefined): object {
  if (!produces?.length) return successBody;
  return { description: 'Success', content: Object.fromEntries(produces.map((type) => [type, { schema: { type: 'string' } }])) };
}

/** zod → JSON Schema, then the responses every route shares: success, and errors in the one error shape. */
const transform: typeof jsonSchemaTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const schema = (out.schema ?? {}) as Record<string, unknown> & { hide?: boolean; produces?: string[] };
  if (schema.hide) return out;
  out.schema = schema;
  schema.response ??= {
    '2XX': successFor(schema.produces),
    '4XX': errorResponse('Refused: `{ ok: false, error: { code, message, details? } }`'),
    '5XX': errorResponse('Failed or unavailable, same shape'),
  };
  delete schema.produces;
  return out;
};

export async function registerApiDocs(app: FastifyInstance, options: ApiDocsOptions): Promise<void> {
  // Describe-only schemas (see above): the handler parses them, after its guard.
  app.setValidatorCompiler(() => (value) => ({ value }));
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `${options.title} HTTP API`,
        version: options.version,
        description:
          'The HTTP side of a Switchboard server. Every success has `ok: true`; every error is ' +
          '`{ ok: false, error: { code, message, details? } }` with a code from the protocol (docs/protocol.md). ' +
          'Clients connect over Socket.IO for everything live.',
      },
      servers: [{ url: options.prefix || '/' }],
      components: {
        securitySchemes: {
          serverKey: { type: 'http', scheme: 'bearer', description: 'An API key (`sk_…`, config `apiKeys`) or a JWT with role admin' },
          userToken: { type: 'http', scheme: 'bearer', description: "A user's JWT or a guest session token" },
        },
        schemas: { Error: errorBody },
      },
    },
    transform,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Asset URLs in the page are absolute; under a prefix they must carry it.
    ...(options.prefix ? { indexPrefix: options.prefix } : {}),
    staticCSP:
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
      "object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    validatorUrl: false,
    uiConfig: { deepLinking: true, tryItOutEnabled: false },
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
