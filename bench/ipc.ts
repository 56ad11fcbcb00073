/**
 * Request/response over the IPC channel of a forked child: the parent sends
 * `{ rid, type, ...fields }` and the child answers `{ rid, ok, result | error }`.
 * Messages without `rid` are one-way (progress counters, delivery totals).
 */
import type { ChildProcess } from 'node:child_process';

export interface IpcMessage {
  type: string;
  rid?: number;
  [key: string]: unknown;
}

interface Reply {
  rid: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** The parent's side of one child: `request()` and one-way messages. */
export class IpcPeer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: any) => void; reject: (err: Error) => void }>();

  constructor(
    readonly child: ChildProcess,
    onMessage: (message: IpcMessage) => void = () => {},
  ) {
    child.on('message', (raw) => {
      const message = raw as IpcMessage & Partial<Reply>;
      if (typeof message.rid === 'number' && 'ok' in message) {
        const waiter = this.pending.get(message.rid);
        this.pending.delete(message.rid);
        if (message.ok) waiter?.resolve(message.result);
        else waiter?.reject(new Error(message.error ?? 'child request failed'));
        return;
      }
      onMessage(message);
    });
    child.on('exit', (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`child exited (${code ?? signal}) with a request pending`));
      this.pending.clear();
    });
  }

  request<T>(type: string, fields: Record<string, unknown> = {}): Promise<T> {
    const rid = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(rid, { resolve, reject });
      this.child.send({ ...fields, type, rid });
    });
  }

  send(type: string, fields: Record<string, unknown> = {}): void {
    if (this.child.connected) this.child.send({ ...fields, type });
  }
}

export type RequestHandler = (message: IpcMessage) => unknown;

/**
 * The child's side: answers requests with the handler of their `type`, passes
 * one-way messages to `onOneWay`. Exits when the parent goes away.
 */
export function serveRequests(handlers: Record<string, RequestHandler>, onOneWay: (message: IpcMessage) => void = () => {}): void {
  process.on('message', async (raw) => {
    const message = raw as IpcMessage;
    if (typeof message.rid !== 'number') {
      onOneWay(message);
      return;
    }
    const handler = handlers[message.type];
    try {
      if (!handler) throw new Error(`no handler for "${message.type}"`);
      const result = await handler(message);
      process.send?.({ rid: message.rid, ok: true, result });
    } catch (err) {
      process.send?.({ rid: message.rid, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** One-way message from a child to its parent. */
export function notifyParent(type: string, fields: Record<string, unknown> = {}): void {
  if (process.connected) process.send?.({ ...fields, type });
}
