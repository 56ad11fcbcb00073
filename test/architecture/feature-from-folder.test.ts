/**
 * A feature can be added from its folder alone: a tiny feature defined in this file
 * registers a config slice, a migration (its own table), a socket event and an HTTP
 * route, and the core composes them with no edit anywhere else.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SliceInput, SliceOutput } from '../../src/config/schema.js';
import { BUILTIN_FEATURES, ConfigError, defineEvent, defineFeature, loadConfigFor } from '../../src/index.js';
import { emitAck } from '../support/client.js';
import { startTestServer } from '../support/server.js';

declare module '../../src/protocol/events.js' {
  interface ClientEventMap {
    /** The tiny feature's event: greets the caller and counts the greeting in its table. */
    'hello:greet': { payload: { name: string }; ack: { greeting: string; count: number } };
  }
}

const helloConfig = {
  hello: z
    .object({ greeting: z.string().min(1).default('Hello').describe('What the tiny feature says') })
    .strict()
    .prefault({}),
};
declare module '../../src/config/schema.js' {
  interface FeatureConfig extends SliceOutput<typeof helloConfig> {}
  interface FeatureConfigInput extends SliceInput<typeof helloConfig> {}
}

const helloFeature = defineFeature({
  name: 'hello',
  config: helloConfig,
  migrations: {
    '9000_hello_greetings': {
      up: (db: any) =>
        db.schema
          .createTable('hello_greetings')
          .addColumn('name', 'text', (c: any) => c.notNull())
          .execute(),
    },
  },
  setup(ctx) {
    const db = ctx.store.db as any;
    const countOf = async (name: string) =>
      Number((await db.selectFrom('hello_greetings').select(sql`count(*)`.as('n')).where('name', '=', name).executeTakeFirst()).n);
    return {
      events: [
        defineEvent('hello:greet', {
          schema: z.object({ name: z.string().min(1) }),
          async handler({ name }) {
            await db.insertInto('hello_greetings').values({ name }).execute();
            return { greeting: `${ctx.config.hello.greeting}, ${name}`, count: await countOf(name) };
          },
        }),
      ],
      routes(http) {
        http.get<{ Params: { name: string } }>('/api/hello/:name', async (request) => ({
          ok: true,
          count: await countOf(request.params.name),
        }));
      },
    };
  },
});

const features = [...BUILTIN_FEATURES, helloFeature];

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
  }
  return [];
}

describe('a feature from its folder alone', () => {
  it('registers its config slice, migration, event and route', async () => {
    const server = await startTestServer({ features, config: { hello: { greeting: 'Hi' } } });
    const { socket } = await server.connect('u1');
    expect(await emitAck(socket, 'hello:greet', { name: 'Ada' })).toEqual({ ok: true, data: { greeting: 'Hi, Ada', count: 1 } });
    expect(await emitAck(socket, 'hello:greet', { name: 'Ada' })).toMatchObject({ ok: true, data: { count: 2 } });
    // Its payload is validated like every other event.
    expect(await emitAck(socket, 'hello:greet', { name: '' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await server.request('GET', '/api/hello/Ada')).toEqual({ status: 200, body: { ok: true, count: 2 } });
  });

  it('validates its config slice like the core keys, with its default', () => {
    expect(loadConfigFor(features, { env: {} }).hello.greeting).toBe('Hello');
    const refused = () => loadConfigFor(features, { env: {}, overrides: { hello: { greeting: '', colour: 'red' } as never } });
    expect(refused).toThrow(ConfigError);
    expect(problemsOf(refused)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^hello\.greeting: /), expect.stringMatching(/^hello\.colour: unknown key/)]),
    );
  });
});
