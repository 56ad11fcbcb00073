/**
 * A real server process for the crash tests (test/crash/): Switchboard on
 * 127.0.0.1:0 over the store named by the environment, an SQLite file
 * (CRASH_SQLITE_FILE) or a PostgreSQL schema of its own (CRASH_PG_SCHEMA), so the
 * test can SIGKILL it and open the same store again. Prints `listening on URL`.
 */
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/server.js';
import { createStore } from '../../src/store/create-store.js';
import { TEST_API_KEY, TEST_SECRET } from './server.js';
import { PG_URL } from './services.js';

const schema = process.env.CRASH_PG_SCHEMA;
const file = process.env.CRASH_SQLITE_FILE;
if (!schema && !file) throw new Error('set CRASH_SQLITE_FILE or CRASH_PG_SCHEMA');
const store = schema ? createStore(PG_URL, { schema }) : createStore(`sqlite:${file}`);
const unlimited = { points: 1_000_000, perSeconds: 1 };
const config = loadConfig({
  env: {},
  overrides: {
    env: 'test',
    port: 0,
    host: '127.0.0.1',
    auth: { jwtSecret: TEST_SECRET },
    apiKeys: [TEST_API_KEY],
    log: { level: 'silent' },
    rateLimits: { default: unlimited },
  },
});
const running = await startServer({ config, store, logger: pino({ level: 'silent' }) });
console.log(`listening on ${running.url}`);
