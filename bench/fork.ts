/** Forks a TypeScript entry (run through tsx) with IPC, and stops it by its own pid. */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function forkTs(entry: string, env: Record<string, string> = {}, nodeFlags: string[] = []): ChildProcess {
  return fork(fileURLToPath(new URL(entry, import.meta.url)), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', ...nodeFlags],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Waits for a child to exit by itself, then kills that one child if it has not. */
export async function waitForExit(child: ChildProcess, ms = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await once(child, 'exit');
  clearTimeout(timer);
}

/** Resolves with the first one-way message of `type` from a child, or rejects if it exits first. */
export function firstMessage<T>(child: ChildProcess, type: string, ms = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${type}" from child within ${ms} ms`)), ms);
    const onMessage = (message: { type?: string }) => {
      if (message?.type === type) done(undefined, message as T);
    };
    const onExit = (code: number | null) => done(new Error(`child exited (${code}) before "${type}"`));
    const done = (err?: Error, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
