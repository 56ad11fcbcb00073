/**
 * Long-running parts (schedulers, bridges, sweepers) register as services with
 * start()/stop() under one manager (STYLE.md #6). The manager also counts in-flight
 * work (acks not yet answered, store writes) so a graceful shutdown can wait for it.
 */
import type { Logger } from './logger.js';

export interface Service {
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export class Lifecycle {
  private readonly services: Service[] = [];
  private started = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly logger: Logger) {}

  add(service: Service): void {
    this.services.push(service);
    if (this.started)
      void Promise.resolve(service.start()).catch((err) => this.logger.error({ err, service: service.name }, 'service failed to start'));
  }

  /**
   * Starts services in order of registration. When one fails, those already started
   * are stopped in reverse and the error names the service that failed.
   */
  async start(): Promise<void> {
    this.started = true;
    const running: Service[] = [];
    for (const service of this.services) {
      try {
        await service.start();
      } catch (error) {
        this.started = false;
        await stopAll(running, this.logger);
        throw new Error(`service "${service.name}" failed to start: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      }
      running.push(service);
    }
  }

  /** Stops services in reverse order of registration; one failure does not stop the others. */
  async stop(): Promise<void> {
    this.started = false;
    await stopAll(this.services, this.logger);
  }

  /** Wraps a unit of work so shutdown can wait for it. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  get pending(): number {
    return this.inFlight;
  }

  /** Resolves when no tracked work is in flight, or after `timeoutMs`; true when idle. */
  waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

async function stopAll(services: readonly Service[], logger: Logger): Promise<void> {
  for (const service of [...services].reverse()) {
    try {
      await service.stop();
    } catch (err) {
      logger.error({ err, service: service.name }, 'service failed to stop');
    }
  }
}
