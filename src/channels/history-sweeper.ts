/**
 * A lifecycle service that deletes expired publications of namespaces with a
 * `history.ttlSeconds`, for channels that stopped publishing (busy channels are also
 * trimmed by the publisher as they go). Reads filter by TTL themselves, so the sweep
 * interval only bounds storage, never what a client is sent. Every node may sweep:
 * the deletes are idempotent.
 */

import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { ChannelNamespaceConfig } from './channels-config.js';
import type { HistoryRepo } from './history-repo.js';

export function createHistorySweeper(
  namespaces: Readonly<Record<string, ChannelNamespaceConfig>>,
  history: HistoryRepo,
  logger: Logger,
  intervalMs: number,
): Service {
  const withTtl = Object.entries(namespaces).flatMap(([name, ns]) =>
    ns.history?.ttlSeconds === undefined ? [] : [{ name, ttlMs: ns.history.ttlSeconds * 1000 }],
  );
  let timer: NodeJS.Timeout | undefined;
  const sweep = async () => {
    for (const { name, ttlMs } of withTtl) {
      try {
        await history.trimExpired(name, ttlMs);
      } catch (err) {
        logger.warn({ err, namespace: name }, 'history sweep failed');
      }
    }
  };
  return {
    name: 'channel-history-sweeper',
    start() {
      if (withTtl.length === 0) return;
      timer = setInterval(() => void sweep(), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
