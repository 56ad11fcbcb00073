/**
 * The one place that decides who may subscribe to, publish on, or read the history
 * of a channel. Socket subscribe, client publish, HTTP history, chat and the Kafka
 * bridge all ask here; no other module makes that decision.
 *
 * Built-in channels follow the contract's table: `user:{id}` (only its own user),
 * `notifications` (any authenticated user), `kafka-events` (roles admin or monitor).
 * Features add built-in namespaces (`conversation` from chat) with `define()`; the
 * channels feature declares the namespaces of config (`declareNamespaces`), each with
 * its policy: public, roles, members, token, webhook.
 */
import type { Principal } from '../auth/principal.js';
import { hasRole } from '../auth/principal.js';
import { fail } from '../core/errors.js';
import { type ChannelRef, parseChannel } from './channel-name.js';
import type { ChannelNamespaceConfig } from './channels-config.js';

export type ChannelAccess = 'subscribe' | 'publish' | 'history';

export interface AccessRequest {
  principal: Principal;
  channel: ChannelRef;
  access: ChannelAccess;
  /** A channel token (policy "token"), from `subscribe { token }`. */
  token?: string;
}

/** What a channel allows beyond access: the options of its namespace. */
export interface ChannelOptions {
  joinLeave: boolean;
  clientPublish: boolean;
  /** Client publishes become `client.event` webhooks. */
  webhookClientEvents?: boolean;
  history?: { size: number; ttlSeconds?: number };
}

/** Decides one request: resolves when allowed, throws FORBIDDEN (or another code) when not. */
export type Authorizer = (request: AccessRequest) => Promise<void>;

export interface NamespaceDefinition {
  authorize: Authorizer;
  options?: Partial<ChannelOptions>;
}

/** Policies of config namespaces that need services (members, token, webhook) are supplied by the channels feature. */
export type PolicyImplementations = Partial<
  Record<ChannelNamespaceConfig['policy'], (ns: ChannelNamespaceConfig, request: AccessRequest) => Promise<void>>
>;

const NO_OPTIONS: ChannelOptions = { joinLeave: false, clientPublish: false };

export class ChannelPolicy {
  private readonly builtins = new Map<string, NamespaceDefinition>();
  private readonly bareBuiltins = new Map<string, NamespaceDefinition>();
  private policies: PolicyImplementations = {};
  private namespaces: Readonly<Record<string, ChannelNamespaceConfig>> = {};

  constructor() {
    this.define('user', {
      authorize: async ({ principal, channel, access }) => {
        if (channel.id !== principal.userId) throw fail('FORBIDDEN', "Another user's channel");
        if (access === 'publish') throw fail('FORBIDDEN', 'User channels are written by the server only');
      },
    });
    this.defineBare('notifications', {
      authorize: async ({ access }) => {
        if (access === 'publish') throw fail('FORBIDDEN', 'Only the server publishes on notifications');
      },
    });
    this.defineBare('kafka-events', {
      authorize: async ({ principal, access }) => {
        if (!hasRole(principal, 'admin', 'monitor')) throw fail('FORBIDDEN', 'kafka-events needs role admin or monitor');
        if (access === 'publish') throw fail('FORBIDDEN', 'Only the server publishes on kafka-events');
      },
    });
    this.policies.public = async () => {};
    this.policies.roles = async (ns, { principal }) => {
      if (!hasRole(principal, ...(ns.roles ?? []))) throw fail('FORBIDDEN', `Requires role ${(ns.roles ?? []).join(' or ')}`);
    };
  }

  /** The namespaces declared in config (`channels`). */
  declareNamespaces(namespaces: Readonly<Record<string, ChannelNamespaceConfig>>): void {
    this.namespaces = namespaces;
  }

  /** A built-in namespace (`conversation`, …); config may not redefine it. */
  define(namespace: string, definition: NamespaceDefinition): void {
    this.builtins.set(namespace, definition);
  }

  /** A built-in bare channel name (`notifications`, …). */
  defineBare(name: string, definition: NamespaceDefinition): void {
    this.bareBuiltins.set(name, definition);
  }

  /** Supplies the policies that need services (members, token, webhook). */
  implementPolicies(implementations: PolicyImplementations): void {
    this.policies = { ...this.policies, ...implementations };
  }

  /** The options of a channel, or undefined when its namespace is not declared. */
  optionsOf(channel: ChannelRef): ChannelOptions | undefined {
    const builtin = channel.namespace === null ? this.bareBuiltins.get(channel.name) : this.builtins.get(channel.namespace);
    if (builtin) return { ...NO_OPTIONS, ...builtin.options };
    if (channel.namespace === null || channel.id === null || channel.id.length === 0) return undefined;
    const ns = this.namespaces[channel.namespace];
    if (!ns) return undefined;
    return this.namespaceOptions(ns);
  }

  private namespaceOptions(ns: ChannelNamespaceConfig): ChannelOptions {
    return { joinLeave: ns.joinLeave, clientPublish: ns.clientPublish, webhookClientEvents: ns.webhookClientEvents, history: ns.history };
  }

  /**
   * Allows or refuses. NOT_FOUND for a namespace that is not declared; FORBIDDEN
   * when the principal may not; publish also needs `clientPublish` on config namespaces.
   */
  async authorize(
    principal: Principal,
    channelName: string,
    access: ChannelAccess,
    token?: string,
  ): Promise<{ channel: ChannelRef; options: ChannelOptions }> {
    const channel = parseChannel(channelName);
    const request: AccessRequest = { principal, channel, access, token };
    const builtin = channel.namespace === null ? this.bareBuiltins.get(channel.name) : this.builtins.get(channel.namespace);
    if (builtin) {
      await builtin.authorize(request);
      return { channel, options: { ...NO_OPTIONS, ...builtin.options } };
    }
    const ns = channel.namespace === null ? undefined : this.namespaces[channel.namespace];
    if (!ns || !channel.id) throw fail('NOT_FOUND', `No channel namespace "${channel.namespace ?? channel.name}"`);
    if (access === 'publish' && !ns.clientPublish) throw fail('FORBIDDEN', `Clients may not publish on "${channel.namespace}" channels`);
    const implementation = this.policies[ns.policy];
    if (!implementation) throw fail('UNAVAILABLE', `Policy "${ns.policy}" is not available`);
    await implementation(ns, request);
    return { channel, options: this.namespaceOptions(ns) };
  }
}
