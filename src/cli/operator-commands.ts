/**
 * Commands against a running server: publish to a channel, notify a user, listen to a
 * channel, and the server's status. They call the same HTTP API and socket events an
 * app does (docs/cli.md).
 */
import type { Command } from 'commander';
import { io, type Socket } from 'socket.io-client';
import type { SwitchboardStats } from '../monitoring/monitoring-feature.js';
import type { SubscribeResult } from '../protocol/events.js';
import type { Ack, PublicationMeta } from '../protocol/shapes.js';
import { call, listenerToken, type Remote, RemoteError, type RemoteFlags, resolveRemote } from './remote.js';

type Run = (remote: Remote) => Promise<void>;

function withRemote(command: Command): Command {
  return command
    .option('-u, --url <url>', 'server URL (default: $SWITCHBOARD_URL or http://127.0.0.1:<configured port>)')
    .option('-c, --config <file>', 'JSON config file, for the default port, key and secret (default: $SWITCHBOARD_CONFIG)');
}

/** Runs a command; a refusal or an unreachable server prints one line and exits 1. */
async function run(flags: RemoteFlags, body: Run): Promise<void> {
  try {
    await body(resolveRemote(flags));
  } catch (error) {
    process.stderr.write(`switchboard: ${(error as Error).message}\n`);
    process.exit(error instanceof RemoteError ? 1 : 2);
  }
}

function parseData(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    throw new RemoteError(`the data must be JSON (e.g. '{"status":"on_the_way"}' or '"text"'), got: ${json}`);
  }
}

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

function publishCommand(program: Command): void {
  withRemote(program.command('publish <channel> <event> [json]'))
    .description('Publish an event to a channel (POST /api/publish with the API key); prints the publication offset')
    .addHelpText('after', `\nExample:\n  switchboard publish news:1 headline '{"title":"Hello"}'`)
    .action((channel: string, event: string, json: string | undefined, flags: RemoteFlags) =>
      run(flags, async (remote) => {
        const answer = await call(remote, 'POST', '/api/publish', { body: { channel, event, data: parseData(json) } });
        print(answer);
      }),
    );
}

function notifyCommand(program: Command): void {
  withRemote(program.command('notify <userId>'))
    .description("Store a notification in a user's inbox and deliver it to their devices (POST /api/notify)")
    .requiredOption('--title <title>', 'notification title')
    .requiredOption('--message <message>', 'notification text')
    .option('--type <type>', 'info, success, warning or error', 'info')
    .option('--data <json>', 'JSON data attached to the notification')
    .addHelpText('after', `\nExample:\n  switchboard notify 42 --title "Order shipped" --message "Arrives Friday"`)
    .action((userId: string, flags: RemoteFlags & { title: string; message: string; type: string; data?: string }) =>
      run(flags, async (remote) => {
        const body = { userId, title: flags.title, message: flags.message, type: flags.type, data: parseData(flags.data) };
        print(await call(remote, 'POST', '/api/notify', { body }));
      }),
    );
}

interface ListenFlags extends RemoteFlags {
  since?: string;
  token?: string;
  as: string;
}

/** Subscribes (again after each reconnect, from the last offset seen) and prints each publication as one JSON line. */
function listen(remote: Remote, channel: string, token: string, since: number | undefined): Promise<never> {
  const socket: Socket = io(remote.url, { path: remote.config.socket.path, auth: { token }, transports: ['websocket'] });
  let last = since;
  const show = (publication: { event: string; data: unknown; offset: number; timestamp: string }) => {
    if (publication.offset > 0 && last !== undefined && publication.offset <= last) return;
    if (publication.offset > 0) last = publication.offset;
    print({ channel, event: publication.event, offset: publication.offset, timestamp: publication.timestamp, data: publication.data });
  };
  socket.onAny((event: string, data: unknown, meta?: PublicationMeta) => {
    if (meta && typeof meta === 'object' && meta.channel === channel) show({ event, data, offset: meta.offset, timestamp: meta.timestamp });
  });
  socket.on('connect', () => {
    socket.emit('subscribe', { channel, ...(last !== undefined ? { since: last } : {}) }, (ack: Ack<SubscribeResult>) => {
      if (!ack.ok) {
        process.stderr.write(`switchboard: cannot listen to ${channel}: ${ack.error.code}: ${ack.error.message}\n`);
        process.exit(1);
      }
      const result = ack.data ?? { offset: 0, missed: [] };
      for (const missed of result.missed) show(missed);
      last ??= result.offset;
      process.stderr.write(`listening to ${channel} at offset ${result.offset} (Ctrl-C to stop)\n`);
    });
  });
  socket.on('connect_error', (err) => {
    process.stderr.write(`switchboard: cannot connect to ${remote.url}: ${err.message}\n`);
    // A refused token will not get better by retrying.
    if (!socket.active) process.exit(1);
  });
  const stop = () => {
    socket.disconnect();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<never>(() => {});
}

function listenCommand(program: Command): void {
  withRemote(program.command('listen <channel>'))
    .description('Subscribe to a channel over Socket.IO and print each publication as a JSON line as it arrives')
    .option('--since <offset>', 'first print the stored publications after this offset (channels with history)')
    .option('--token <jwt>', 'user token to connect with (default: $SWITCHBOARD_TOKEN, or one signed with the configured secret)')
    .option('--as <userId>', 'user id of the signed token (a member, for `members` channels)', 'switchboard-cli')
    .addHelpText('after', '\nExample:\n  switchboard listen news:1 --since 0')
    .action((channel: string, flags: ListenFlags) =>
      run(flags, async (remote) => {
        const since = flags.since === undefined ? undefined : Number(flags.since);
        if (since !== undefined && !(Number.isInteger(since) && since >= 0)) throw new RemoteError('--since takes an offset (0 or more)');
        await listen(remote, channel, await listenerToken(remote, flags), since);
      }),
    );
}

function statusCommand(program: Command): void {
  withRemote(program.command('status'))
    .description('Health, readiness, nodes and connections of a running server (--json for the raw answers)')
    .option('--json', 'print the answers of /health, /ready and /api/stats as JSON')
    .action((flags: RemoteFlags & { json?: boolean }) =>
      run(flags, async (remote) => {
        const health = await call<{ status: string; uptimeSeconds: number }>(remote, 'GET', '/health', { auth: false });
        const ready = await call<{ ok: boolean; checks: Record<string, { ok: boolean; error?: string }> }>(remote, 'GET', '/ready', {
          auth: false,
        });
        const stats = await call<SwitchboardStats>(remote, 'GET', '/api/stats');
        if (flags.json) {
          print({ health, ready, stats });
          return;
        }
        const checks = Object.entries(ready.checks)
          .map(([name, c]) => `${name} ${c.ok ? 'ok' : `FAILED (${c.error})`}`)
          .join(', ');
        process.stdout.write(
          [
            `server:      ${remote.url}`,
            `health:      ${health.status} (up ${health.uptimeSeconds} s)`,
            `ready:       ${ready.ok ? 'yes' : 'NO'} (${checks})`,
            `nodes:       ${stats.nodes}`,
            `connections: ${stats.connections} (${stats.users} users)`,
            `events/s:    ${stats.eventsPerSecond}`,
            '',
          ].join('\n'),
        );
        if (!ready.ok) process.exitCode = 1;
      }),
    );
}

export function registerOperatorCommands(program: Command): void {
  publishCommand(program);
  notifyCommand(program);
  listenCommand(program);
  statusCommand(program);
}
