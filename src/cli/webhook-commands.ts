/**
 * `switchboard webhook verify` (a signed sample event to an endpoint, as real
 * deliveries are sent) and `switchboard webhook secret` (a new signing secret).
 */
import type { Command } from 'commander';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../protocol/webhook-events.js';
import { resolveEndpoints } from '../webhooks/endpoints.js';
import { newWebhookSecret, sendSampleEvent } from '../webhooks/sample-event.js';
import { loadCliConfig } from './load-cli-config.js';

interface VerifyFlags {
  url?: string;
  secret?: string;
  type: string;
  config?: string;
}

/** The endpoint to test: the flags, else the configured one with that URL, else the first configured. */
function endpointOf(flags: VerifyFlags): { url: string; secret: string; timeoutMs?: number } {
  if (flags.url && flags.secret) return { url: flags.url, secret: flags.secret };
  const endpoints = resolveEndpoints(loadCliConfig({ config: flags.config }).config);
  const configured = endpoints.find((e) => e.url === flags.url) ?? (flags.url ? undefined : endpoints[0]);
  if (!configured)
    throw new Error('webhook verify needs --url and --secret, or an endpoint in the config (webhooks, SWITCHBOARD_WEBHOOK_URL)');
  return { url: configured.url, secret: flags.secret ?? configured.secret, timeoutMs: configured.timeoutMs };
}

export function registerWebhookCommands(program: Command, fatal: (error: unknown) => never): void {
  const webhook = program.command('webhook').description('Outbound webhooks (docs/webhooks.md)');
  webhook
    .command('verify')
    .description('POST a signed sample event to an endpoint and report its answer (exit 0 on a 2xx)')
    .option('-u, --url <url>', 'endpoint URL (default: the first configured endpoint)')
    .option('-s, --secret <whsec>', 'signing secret, whsec_… (default: that endpoint’s)')
    .option('-t, --type <type>', `event type: ${WEBHOOK_EVENT_TYPES.join(', ')}`, 'user.online')
    .option('-c, --config <file>', 'JSON config file (default: $SWITCHBOARD_CONFIG)')
    .action(async (flags: VerifyFlags) => {
      try {
        if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(flags.type)) throw new Error(`unknown event type "${flags.type}"`);
        const endpoint = endpointOf(flags);
        const { webhookId, result } = await sendSampleEvent({ ...endpoint, type: flags.type as WebhookEventType });
        const answer = result.ok ? `${result.status}` : result.error;
        process.stdout.write(`POST ${endpoint.url} ${flags.type} webhook-id ${webhookId}: ${answer}${result.ok ? ' (accepted)' : ''}\n`);
        process.exitCode = result.ok ? 0 : 1;
      } catch (error) {
        fatal(error);
      }
    });
  webhook
    .command('secret')
    .description('Print a new signing secret (whsec_…) for an endpoint')
    .action(() => {
      process.stdout.write(`${newWebhookSecret()}\n`);
    });
}
