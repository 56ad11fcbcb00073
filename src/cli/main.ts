/**
 * The CLI: turns flags and environment into options and calls the library (STYLE.md #2).
 */
import { Command } from 'commander';
import { signToken } from '../auth/sign-token.js';
import { ConfigError } from '../config/load.js';
import { configReferenceMarkdown } from '../config/reference.js';
import { VERSION } from '../core/version.js';
import { configSchema, migrationsFor } from '../features.js';
import { startServer } from '../server.js';
import { createStore } from '../store/create-store.js';
import { startupBanner } from './banner.js';
import { loadCliConfig } from './load-cli-config.js';
import { registerOperatorCommands } from './operator-commands.js';
import { registerWebhookCommands } from './webhook-commands.js';

function fatal(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`switchboard: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`switchboard: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
}

const program = new Command()
  .name('switchboard')
  .description('Real-time server: authenticated Socket.IO, channels, notifications, chat and presence.')
  .version(VERSION)
  .showHelpAfterError();

program
  .command('serve')
  .description('Start the server (embedded SQLite store and one node unless configured otherwise)')
  .option('-c, --config <file>', 'JSON config file (default: $SWITCHBOARD_CONFIG)')
  .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)')
  .option('-H, --host <host>', 'interface to listen on (default: $HOST or 0.0.0.0)')
  .action(async (flags: { config?: string; port?: string; host?: string }) => {
    try {
      const cli = loadCliConfig(flags, 'create');
      const running = await startServer({ config: cli.config, handleSignals: true });
      process.stdout.write(await startupBanner(running.url, running.port, cli));
    } catch (error) {
      fatal(error);
    }
  });

program
  .command('token')
  .description(
    'Mint a JWT signed with the configured HS256 secret, or the development secret the server created in the data folder (never a new one)',
  )
  .requiredOption('-s, --sub <id>', 'user id (the `sub` claim)')
  .option('-r, --roles <roles>', 'comma-separated roles, e.g. admin,monitor', '')
  .option('-n, --name <name>', 'display name (the `name` claim)')
  .option('-t, --ttl <span>', 'lifetime: seconds or a span such as 30m, 1h, 7d', '1h')
  .option('--channel <channel>', 'add a `channel` claim (a channel token for the token policy)')
  .option('-c, --config <file>', 'JSON config file (default: $SWITCHBOARD_CONFIG)')
  .action(async (flags: { sub: string; roles: string; name?: string; ttl: string; channel?: string; config?: string }) => {
    try {
      const { config } = loadCliConfig({ config: flags.config }, 'require');
      if (!config.auth.jwtSecret)
        throw new Error('token needs an HS256 secret (SWITCHBOARD_JWT_SECRET); tokens for RS256/ES256 are minted by your app');
      const ttl = /^\d+$/.test(flags.ttl) ? Number(flags.ttl) : flags.ttl;
      const token = await signToken({
        secret: config.auth.jwtSecret,
        sub: flags.sub,
        roles: flags.roles
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
        name: flags.name,
        ttl,
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        claims: flags.channel ? { channel: flags.channel } : undefined,
      });
      process.stdout.write(`${token}\n`);
    } catch (error) {
      fatal(error);
    }
  });

program
  .command('migrate')
  .description('Apply pending store migrations and exit (the server also runs them at start)')
  .option('-c, --config <file>', 'JSON config file (default: $SWITCHBOARD_CONFIG)')
  .action(async (flags: { config?: string }) => {
    try {
      const { config } = loadCliConfig(flags);
      const store = createStore(config.database.url, { poolSize: 1 });
      try {
        const applied = await store.migrate(migrationsFor());
        process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'store is up to date\n');
      } finally {
        await store.close();
      }
    } catch (error) {
      fatal(error);
    }
  });

const configCommand = program.command('config').description('Inspect configuration');
configCommand
  .command('check')
  .description('Validate config file and environment; exit 2 with every problem listed')
  .option('-c, --config <file>', 'JSON config file (default: $SWITCHBOARD_CONFIG)')
  .action((flags: { config?: string }) => {
    try {
      const { config } = loadCliConfig(flags);
      const namespaces = Object.keys(config.channels);
      process.stdout.write(
        `config OK: port ${config.port}, store ${config.database.url.split(':')[0]}, ${namespaces.length} channel namespace(s)${namespaces.length ? ` (${namespaces.join(', ')})` : ''}, ${config.apiKeys.length} API key(s)\n`,
      );
    } catch (error) {
      fatal(error);
    }
  });
configCommand
  .command('reference')
  .description('Print the configuration reference (Markdown) generated from the schema')
  .action(() => {
    process.stdout.write(configReferenceMarkdown(configSchema));
  });

registerWebhookCommands(program, fatal);
registerOperatorCommands(program);

await program.parseAsync(process.argv);
