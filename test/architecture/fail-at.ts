/**
 * Child process of startup-failure.test.ts: starts a Switchboard that fails at the
 * step named by argv[2], prints the error, and does NOT call process.exit: the test
 * checks the process then exits by itself, i.e. that start-up left no handle open.
 */
import { createServer } from 'node:http';
import { pino } from 'pino';
import { z } from 'zod';
import { BUILTIN_FEATURES, createSwitchboard, defineFeature } from '../../src/index.js';

const scenario = process.argv[2] ?? '';
const redisUrl = process.env.SWITCHBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const base = { auth: { jwtSecret: 'test-secret-with-enough-length-0123456789' }, database: { url: 'sqlite::memory:' } };

/** A service that holds a timer while running: a missed stop() would keep the process alive. */
const ticking = defineFeature({
  name: 'ticking',
  setup: () => {
    let timer: NodeJS.Timeout | undefined;
    const start = () => {
      timer = setInterval(() => {}, 1000);
    };
    return { services: [{ name: 'ticker', start, stop: () => clearInterval(timer) }] };
  },
});
const failingSetup = defineFeature({
  name: 'broken',
  setup: () => {
    throw new Error('the broken feature cannot start');
  },
});
const failingService = defineFeature({
  name: 'broken-service',
  config: { brokenService: z.object({ port: z.number().default(1) }).prefault({}) },
  setup: () => ({
    services: [
      {
        name: 'broken-service',
        start: () => Promise.reject(new Error('broken-service could not bind')),
        stop() {},
      },
    ],
  }),
});

const scenarios: Record<string, { config: Record<string, unknown>; features?: typeof BUILTIN_FEATURES }> = {
  store: { config: { ...base, database: { url: 'sqlite:./package.json/not-a-folder/x.db' } } },
  'store-unreachable': { config: { ...base, database: { url: 'postgres://postgres@127.0.0.1:1/test' } } },
  redis: { config: { ...base, redis: { url: 'redis://127.0.0.1:1' } } },
  auth: { config: { ...base, redis: { url: redisUrl, keyPrefix: 'sbtest:startup:' }, auth: { jwtPublicKey: 'not a PEM key' } } },
  feature: { config: { ...base, redis: { url: redisUrl, keyPrefix: 'sbtest:startup:' } }, features: [...BUILTIN_FEATURES, failingSetup] },
  services: {
    config: { ...base, redis: { url: redisUrl, keyPrefix: 'sbtest:startup:' } },
    features: [...BUILTIN_FEATURES, ticking, failingService],
  },
};

const chosen = scenarios[scenario];
if (!chosen) throw new Error(`unknown scenario "${scenario}"`);
const server = createServer();
createSwitchboard({ server, config: chosen.config, logger: pino({ level: 'silent' }) }, chosen.features).then(
  () => {
    process.stdout.write('started (unexpected)\n');
    process.exitCode = 4;
  },
  (err: Error) => {
    process.stderr.write(`${err.name}: ${err.message}\n`);
    process.exitCode = 3;
  },
);
