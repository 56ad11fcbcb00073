/**
 * GET /api/admin/overview: everything the dashboard's live panels show, in one
 * answer of bounded size (nodes, totals, rates, errors, status), whatever the
 * number of connections. Totals come from the presence store (cluster-wide, kept
 * as sockets come and go); per-node numbers from the node query.
 *
 * The overview is computed at most once per `maxAgeMs` on a node, however many
 * dashboards poll it (one in flight at a time). If a node is slow to answer, the
 * previous overview is served, marked `stale`, rather than holding every viewer.
 */
import type { SwitchboardContext } from '../core/context.js';
import type { AskNodes } from './node-query.js';
import type { Overview } from './shapes.js';
import type { StatusRegistry } from './status.js';

export interface OverviewSourceOptions {
  ctx: SwitchboardContext;
  ask: AskNodes;
  status: StatusRegistry;
  /** Reuse an overview this young; @default 900 */
  maxAgeMs?: number;
  /** Serve the previous overview when a new one takes longer; @default 1500 */
  lateAfterMs?: number;
}

function sum(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function computeOverview(ctx: SwitchboardContext, ask: AskNodes, status: StatusRegistry): Promise<Overview> {
  const [counts, gathered, statuses] = await Promise.all([ctx.presence.counts(), ask({ kind: 'stats' }), status.collect()]);
  const errorsByCode: Record<string, number> = {};
  const handshakeFailuresByCode: Record<string, number> = {};
  let eventsIn = 0;
  let eventsOut = 0;
  for (const node of gathered.answers) {
    sum(errorsByCode, node.errorsByCode);
    sum(handshakeFailuresByCode, node.handshakeFailuresByCode);
    eventsIn += node.eventsInPerSecond;
    eventsOut += node.eventsOutPerSecond;
  }
  return {
    generatedAt: new Date().toISOString(),
    nodeId: ctx.nodeId,
    connections: counts.connections,
    users: counts.users,
    nodes: {
      expected: gathered.expected,
      answered: gathered.answered,
      list: [...gathered.answers].sort((a, b) => a.nodeId.localeCompare(b.nodeId)),
    },
    eventsInPerSecond: round2(eventsIn),
    eventsOutPerSecond: round2(eventsOut),
    errorsByCode,
    handshakeFailuresByCode,
    status: statuses,
    stale: false,
  };
}

/** Returns `get()`, which answers the current overview (shared by every viewer of this node). */
export function createOverviewSource(options: OverviewSourceOptions): { get(): Promise<Overview> } {
  const { ctx, ask, status } = options;
  const maxAgeMs = options.maxAgeMs ?? 900;
  const lateAfterMs = options.lateAfterMs ?? 1500;
  let last: { at: number; overview: Overview } | undefined;
  let inFlight: Promise<Overview> | undefined;

  const refresh = (): Promise<Overview> => {
    inFlight ??= computeOverview(ctx, ask, status)
      .then((overview) => {
        last = { at: Date.now(), overview };
        return overview;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    async get() {
      if (last && Date.now() - last.at < maxAgeMs) return last.overview;
      const fresh = refresh();
      if (!last) return fresh;
      const previous = last.overview;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<Overview>((resolve) => {
        timer = setTimeout(() => resolve({ ...previous, stale: true }), lateAfterMs);
      });
      try {
        return await Promise.race([fresh, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
