/**
 * A TCP proxy between a client and a server, for network faults without mocks: `cut()`
 * drops every open connection (as a lost network does), `block()` refuses new ones
 * until `unblock()`, and `retarget()` points it at another port.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { onCleanup } from './cleanup.js';

export interface TcpProxy {
  readonly port: number;
  /** `http://127.0.0.1:<proxy port>` */
  readonly url: string;
  /** Connections that were accepted and piped, in total. */
  readonly accepted: number;
  cut(): void;
  block(): void;
  unblock(): void;
  retarget(port: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let target = targetPort;
  let blocked = false;
  let accepted = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = connect(target, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const cut = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  const proxy: TcpProxy = {
    port,
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    cut,
    block: () => {
      blocked = true;
    },
    unblock: () => {
      blocked = false;
    },
    retarget: (next) => {
      target = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
  onCleanup(() => proxy.close());
  return proxy;
}
