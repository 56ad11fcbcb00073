/** The parent's handle on a server child: start, pace load, read memory, stop. */
import { firstMessage, forkTs, waitForExit } from '../fork.js';
import { IpcPeer } from '../ipc.js';
import type { PaceRequest, PaceResult } from './server-child.js';
import type { TargetFeatures, TargetOptions } from './target.js';

export interface ServerProcessOptions extends TargetOptions {
  /** Extra environment (e.g. WS_NO_BUFFER_UTIL=1). */
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the server into this folder. */
  profileDir?: string;
}

export interface MemoryReading {
  rss: number;
  heapUsed: number;
}

export class ServerProcess {
  private constructor(
    private readonly peer: IpcPeer,
    readonly url: string,
    readonly features: TargetFeatures,
  ) {}

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const { env, profileDir, ...target } = options;
    const flags = ['--expose-gc', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    const child = forkTs('./targets/server-child.ts', { ...env, BENCH_TARGET: JSON.stringify(target) }, flags);
    const peer = new IpcPeer(child);
    try {
      const ready = await firstMessage<{ url: string; features: TargetFeatures }>(child, 'ready');
      return new ServerProcess(peer, ready.url, ready.features);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  pace(request: PaceRequest): Promise<PaceResult> {
    return this.peer.request('pace', { ...request });
  }

  /** One notify call to all `users`; resolves when the call returned (not when delivered). */
  notifyMany(users: string[]): Promise<{ startedAt: number; calledMs: number }> {
    return this.peer.request('notifyMany', { users });
  }

  /** Relays the workers' summed receive counter (drives the pacing window). */
  setDelivered(total: number): void {
    this.peer.send('delivered', { total });
  }

  /** RSS and heap after a full GC. */
  memory(): Promise<MemoryReading> {
    return this.peer.request('memory');
  }

  async stop(): Promise<void> {
    await this.peer.request('stop').catch(() => undefined);
    await waitForExit(this.peer.child);
  }
}
