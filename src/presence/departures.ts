/**
 * Turns departures into `onUserOffline` hooks (the chat feature's `user:offline`),
 * exactly once across the cluster: the presence store holds each departure until its
 * grace ends and hands it to whichever node claims it first. This node claims when a
 * grace it started ends (a wake-up, so the announcement is on time) and every
 * `presence.sweepIntervalMs` (departures whose node died or shut down, and those the
 * dead-node sweep started).
 */
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Departure, PresenceStore } from './presence-store.js';

export interface DepartureServiceOptions {
  presence: PresenceStore;
  logger: Logger;
  /** `presence.offlineGraceMs` */
  graceMs: number;
  /** `presence.sweepIntervalMs` */
  intervalMs: number;
  /** Called once per departure, cluster-wide. */
  onDeparture(departure: Departure): Promise<void>;
}

export interface DepartureService extends Service {
  /** A user's last device left this node: claim when its grace ends. */
  departed(): void;
}

export function createDepartureService(options: DepartureServiceOptions): DepartureService {
  const { presence, logger } = options;
  let interval: NodeJS.Timeout | undefined;
  let wake: NodeJS.Timeout | undefined;
  // Wake-up times in order (the grace is the same for every departure).
  const wakeAt: number[] = [];
  let claiming: Promise<void> | undefined;
  let again = false;
  let failing = false;

  async function claimDue(): Promise<void> {
    const due = await presence.takeDepartures(Date.now());
    for (const departure of due) {
      try {
        await options.onDeparture(departure);
      } catch (err) {
        logger.warn({ err, userId: departure.userId }, 'offline announcement failed');
      }
    }
  }

  function claim(): void {
    if (claiming) {
      again = true;
      return;
    }
    claiming = claimDue()
      .then(
        () => {
          failing = false;
        },
        (err) => {
          // Presence unreachable: the departures wait in the store for the next claim.
          if (!failing) logger.warn({ err }, 'claiming departures failed');
          failing = true;
        },
      )
      .finally(() => {
        claiming = undefined;
        if (again) {
          again = false;
          claim();
        }
      });
  }

  function armWake(): void {
    if (wake || wakeAt.length === 0 || !interval) return;
    wake = setTimeout(
      () => {
        wake = undefined;
        const now = Date.now();
        while ((wakeAt[0] ?? Number.POSITIVE_INFINITY) <= now) wakeAt.shift();
        claim();
        armWake();
      },
      Math.max(0, (wakeAt[0] as number) - Date.now()),
    );
    wake.unref();
  }

  return {
    name: 'presence-departures',
    departed() {
      wakeAt.push(Date.now() + options.graceMs);
      armWake();
    },
    start() {
      interval = setInterval(claim, options.intervalMs);
      interval.unref();
      armWake();
    },
    async stop() {
      if (interval) clearInterval(interval);
      if (wake) clearTimeout(wake);
      interval = wake = undefined;
      wakeAt.length = 0;
      await claiming;
    },
  };
}
