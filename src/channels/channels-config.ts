/**
 * The channels feature's config slice: `channels`, the namespaces declared by the app
 * with their policy and options (PROTOCOL.md, "Channels").
 */
import { z } from 'zod';
import type { SliceInput, SliceOutput } from '../config/schema.js';
import { deliveryConfigSchema } from './delivery-config.js';

export const CHANNEL_POLICIES = ['public', 'roles', 'members', 'token', 'webhook'] as const;

export const channelNamespaceSchema = z
  .object({
    policy: z.enum(CHANNEL_POLICIES).describe('Who may subscribe: public, roles, members, token or webhook'),
    roles: z.array(z.string().min(1)).optional().describe('Roles allowed (policy "roles")'),
    webhook: z.url().optional().describe('URL asked `POST { userId, channel }` (policy "webhook"); 2xx allows, 403 denies'),
    webhookTimeoutMs: z.number().int().positive().default(2000).describe('Webhook request timeout'),
    webhookCacheSeconds: z.number().int().min(0).default(30).describe('How long a webhook allow/deny is cached'),
    joinLeave: z.boolean().default(false).describe('Emit user:joined / user:left to subscribers'),
    clientPublish: z.boolean().default(false).describe('Subscribers may `publish` to the channel'),
    webhookClientEvents: z
      .boolean()
      .default(false)
      .describe('Send client publishes to the outbound webhooks as `client.event` (docs/webhooks.md)'),
    history: z
      .object({
        size: z.number().int().positive().describe('Publications kept per channel'),
        ttlSeconds: z.number().int().positive().optional().describe('Age after which publications are dropped'),
      })
      .strict()
      .optional()
      .describe('Keep publications for recovery with `subscribe { since }`'),
  })
  .strict()
  .superRefine((ns, ctx) => {
    if (ns.policy === 'roles' && (!ns.roles || ns.roles.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: 'policy "roles" needs a non-empty roles list' });
    }
    if (ns.policy === 'webhook' && !ns.webhook) {
      ctx.addIssue({ code: 'custom', path: ['webhook'], message: 'policy "webhook" needs a webhook URL' });
    }
  });

export type ChannelNamespaceConfig = z.infer<typeof channelNamespaceSchema>;

/** Namespace names: what comes before the first `:` of a channel name. */
const namespaceName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'namespace names use letters, digits, _ and -');

export const channelsConfig = {
  delivery: deliveryConfigSchema,
  channels: z.record(namespaceName, channelNamespaceSchema).default({}).describe('Channel namespaces and their policies'),
  history: z
    .object({
      sweepIntervalMs: z
        .number()
        .int()
        .positive()
        .default(60_000)
        .describe("How often publications older than their namespace's history.ttlSeconds are deleted"),
    })
    .strict()
    .prefault({}),
};

declare module '../config/schema.js' {
  interface FeatureConfig extends SliceOutput<typeof channelsConfig> {}
  interface FeatureConfigInput extends SliceInput<typeof channelsConfig> {}
}
