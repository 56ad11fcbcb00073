/** What `switchboard serve` prints once listening: where it is and how to connect. */
import { signToken } from '../auth/sign-token.js';
import type { SwitchboardConfig } from '../config/schema.js';

export async function startupBanner(
  url: string,
  config: Readonly<SwitchboardConfig>,
  devSecret?: { path: string; created: boolean },
): Promise<string> {
  const lines = [
    '',
    `  Switchboard listening on ${url}`,
    `  store: ${config.database.url.replace(/\/\/[^@]*@/, '//***@')}   node mode: ${config.redis.url ? 'cluster (Redis)' : 'single node'}`,
    `  health: ${url}/health   status: ${url}/api/status   metrics: ${url}/metrics`,
  ];
  if (devSecret && config.auth.jwtSecret) {
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
      `  Development JWT secret ${devSecret.created ? 'generated' : 'loaded'}: ${config.auth.jwtSecret}`,
      `  (kept in ${devSecret.path}; set SWITCHBOARD_JWT_SECRET to use your app's own)`,
      '',
      '  Sample token (sub "dev-user", valid 24 h; mint more with `npx switchboard token --sub 42`):',
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
