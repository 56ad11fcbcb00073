/**
 * One cluster node in a child process of its own (run by test/support/cluster.ts with
 * `node --import tsx`): a full server on an ephemeral port, on the test's PostgreSQL
 * schema and Redis prefix, with SIGTERM handled like `switchboard serve`. Nothing here
 * catches stray rejections: a node that would crash in production crashes here, and
 * the test sees its exit.
 *
 * Input: env `SB_TEST_NODE` = JSON `{ config, pgSchema }`. Output: one line
 * `SB_TEST_NODE_READY {"url","nodeId"}` on stdout once it listens; logs on stderr.
 */
import { pino } from 'pino';
import { BUILTIN_FEATURES, loadConfigFor } from '../../src/features.js';
import { startServer } from '../../src/server.js';
import { createStore } from '../../src/store/create-store.js';
import { testConfigOverrides } from './server.js';
import { PG_URL } from './services.js';

const input = JSON.parse(process.env.SB_TEST_NODE ?? '{}');
const config = loadConfigFor(BUILTIN_FEATURES, { env: {}, overrides: testConfigOverrides(input.config) });
const store = createStore(PG_URL, { schema: input.pgSchema });
const running = await startServer({
  config,
  store,
  handleSignals: true,
  logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }, pino.destination(2)),
});
// The mark test/support/cluster.ts waits for.
process.stdout.write(`SB_TEST_NODE_READY ${JSON.stringify({ url: running.url, nodeId: running.switchboard.context.nodeId })}\n`);
