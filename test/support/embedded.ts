/** Switchboard embedded in a host app's http.Server (library mode), as docs/embedding.md shows; closed after the test. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSwitchboard, type SwitchboardOptions } from '../../src/switchboard.js';
import { onCleanup } from './cleanup.js';
import { TEST_SECRET } from './server.js';

/** A host app that answers `host` to every request it is given, with Switchboard mounted on it; its base URL. */
export async function startEmbedded(httpApi?: SwitchboardOptions['httpApi']): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('host'));
  const sb = await createSwitchboard({
    server,
    httpApi,
    config: { auth: { jwtSecret: TEST_SECRET }, database: { url: 'sqlite::memory:' }, log: { level: 'silent' } },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(async () => {
    await sb.close();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
