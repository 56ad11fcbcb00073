/**
 * An Express app with Switchboard attached on the same port: the app keeps its own
 * routes, Switchboard adds Socket.IO (/socket.io) and its HTTP API (/api/*, /health, …)
 * under a prefix so the two never collide.
 *
 * Run: SWITCHBOARD_JWT_SECRET=dev-secret-of-enough-length!! npx tsx examples/express/app.ts
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import { createSwitchboard, type Switchboard } from '../../src/index.js';

export interface ExampleApp {
  server: Server;
  switchboard: Switchboard;
}

export async function createExampleApp(options: { jwtSecret: string; apiKey?: string }): Promise<ExampleApp> {
  const app = express();
  app.use(express.json());

  const server = createServer(app);
  const switchboard = await createSwitchboard({
    server,
    config: {
      auth: { jwtSecret: options.jwtSecret },
      apiKeys: options.apiKey ? [options.apiKey] : [],
      database: { url: 'sqlite::memory:' },
      log: { level: 'warn' },
    },
    // Switchboard's HTTP API lives under /realtime; everything else is Express's.
    httpApi: { prefix: '/realtime' },
  });

  // The app's own routes use the programmatic API.
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'from express' });
  });
  app.post('/orders/:userId/shipped', async (req, res) => {
    const online = await switchboard.isUserOnline(req.params.userId);
    switchboard.emitToUser(req.params.userId, 'broadcast', {
      title: 'Order shipped',
      message: `Order ${req.body?.orderId ?? ''} is on its way`,
      from: 'shop',
      timestamp: new Date().toISOString(),
    });
    res.json({ ok: true, delivered: online });
  });

  return { server, switchboard };
}

// Started directly: listen on PORT (default 3000).
if (import.meta.url === `file://${process.argv[1]}`) {
  const jwtSecret = process.env.SWITCHBOARD_JWT_SECRET ?? 'dev-secret-of-enough-length!!';
  const { server } = await createExampleApp({ jwtSecret });
  const port = Number(process.env.PORT ?? 3000);
  server.listen(port, () => console.log(`Express + Switchboard on http://localhost:${port}`));
}
