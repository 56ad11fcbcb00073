/**
 * What `switchboard serve` prints once listening: the address it is bound to and what
 * that exposes, and in development the credentials it generated with ready-to-paste
 * examples.
 */
import { signToken } from '../auth/sign-token.js';
import type { SwitchboardConfig } from '../config/schema.js';
import type { CliConfig } from './load-cli-config.js';

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '']);

/** Where the server is bound, in words: a wildcard host is reachable from the network. */
function binding(config: Readonly<SwitchboardConfig>, port: number): string {
  if (ALL_INTERFACES.has(config.host)) return `bound to ${config.host}:${port}: every network interface of this machine`;
  return `bound to ${config.host}:${port}`;
}

/** What is open to whom, so a development default reachable from the network is seen. */
function exposure(config: Readonly<SwitchboardConfig>): string {
  const origins = config.cors.origins ?? [];
  const cors = origins.includes('*') ? 'browser origins: any (*)' : `browser origins: ${origins.join(', ') || 'none'}`;
  const keys = `${config.apiKeys.length} API key(s)`;
  return `${cors} · test endpoints ${config.testEndpoints ? 'ON' : 'off'} · ${keys} · mode ${config.env}`;
}

export async function startupBanner(url: string, port: number, cli: CliConfig): Promise<string> {
  const { config } = cli;
  const lines = [
    '',
    `  Switchboard listening on ${url} (${binding(config, port)})`,
    `  ${exposure(config)}`,
    `  store: ${config.database.url.replace(/\/\/[^@]*@/, '//***@')}   node mode: ${config.redis.url ? 'cluster (Redis)' : 'single node'}`,
    `  dashboard: ${url}/dashboard   API docs: ${url}/docs   health: ${url}/health   metrics: ${url}/metrics`,
  ];
  if (cli.devApiKey) {
    lines.push(
      '',
      `  Development API key ${cli.devApiKey.created ? 'generated' : 'loaded'} (kept in ${cli.devApiKey.path}; set SWITCHBOARD_API_KEYS for your own):`,
      `    export KEY=${cli.devApiKey.value}`,
      `    curl -H "Authorization: Bearer $KEY" ${url}/api/stats`,
    );
  }
  if (cli.devSecret && config.auth.jwtSecret) {
    const token = await signToken({
      secret: config.auth.jwtSecret,
      sub: 'dev-user',
      name: 'Dev User',
      ttl: '24h',
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    });
    lines.push(
      '',
      `  Development JWT secret ${cli.devSecret.created ? 'generated' : 'loaded'}: ${config.auth.jwtSecret}`,
      `  (kept in ${cli.devSecret.path}; set SWITCHBOARD_JWT_SECRET to use your app's own)`,
      '',
      '  Sample token (sub "dev-user", valid 24 h; mint more from this folder with `npx switchboard token --sub 42`):',
      `  ${token}`,
      '',
      '  Connect with socket.io-client:',
      "    import { io } from 'socket.io-client';",
      `    const socket = io('${url}', { auth: { token: '${token}' } });`,
      "    socket.on('connected', (info) => console.log(info));",
      "    socket.emit('ping', (ack) => console.log(ack));",
    );
  }
  lines.push('');
  return lines.join('\n');
}
