/** The real CLI as a child process: `serve` until it prints its address, other commands to completion. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { onCleanup } from './cleanup.js';

const MAIN = resolve('src/cli/main.ts');
/** tsx by absolute URL: the commands run in fresh folders with no node_modules of their own. */
const TSX = import.meta.resolve('tsx');

/** The environment of a first run: none of Switchboard's variables set. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SWITCHBOARD_') && key !== 'NODE_ENV') env[key] = value;
  return { ...env, ...extra };
}

export interface ServingCli {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
}

/** Runs `switchboard serve` in `cwd` (a fresh folder: its ./data is the data folder) on a free port. */
export function serveCli(cwd: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<ServingCli> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const check = () => {
      const match = out.match(/listening on (http:\/\/\S+:(\d+))/);
      // The banner is written in one piece once listening; wait for its last line.
      if (match?.[1] && out.includes('metrics:')) {
        clearTimeout(timer);
        resolvePromise({ child, url: match[1], port: Number(match[2]), output: () => out });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

/** Runs a CLI command to completion in `cwd`. */
export function runCli(cwd: string, env: NodeJS.ProcessEnv, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
