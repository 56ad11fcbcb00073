/**
 * A real server process for the crash tests (test/crash/): the test server
 * (test/support/server.ts) over the store named by the environment, an SQLite file
 * (CRASH_SQLITE_FILE) or a PostgreSQL schema of its own (CRASH_PG_SCHEMA), so the
 * test can SIGKILL it and open the same store again. Prints `listening on URL`.
 */
import { createStore } from '../../src/store/create-store.js';
import { startTestServer } from './server.js';
import { PG_URL } from './services.js';

const schema = process.env.CRASH_PG_SCHEMA;
const file = process.env.CRASH_SQLITE_FILE;
if (!schema && !file) throw new Error('set CRASH_SQLITE_FILE or CRASH_PG_SCHEMA');
const store = schema ? createStore(PG_URL, { schema }) : createStore(`sqlite:${file}`);
const running = await startTestServer({
  store,
  manualStop: true,
  config: { rateLimits: { default: { points: 1_000_000, perSeconds: 1 } } },
});
console.log(`listening on ${running.url}`);
