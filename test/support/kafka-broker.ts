/**
 * A Kafka broker of a test's own (scripts/kafka.sh on free ports, state in a temp
 * dir), for tests that stop and start a broker: the shared one on 9092 is used by
 * every other test and session and is never stopped.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { onCleanup } from './cleanup.js';

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '../../scripts/kafka.sh');

export interface OwnKafkaBroker {
  /** `127.0.0.1:<port>` */
  readonly brokers: string[];
  /** Starts (or restarts) the broker and waits until it answers. */
  start(): Promise<void>;
  /** Stops the broker (its data stays for the next start). */
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A free port whose successor is free too (the broker's controller listens there). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no free pair of ports for a test broker');
}

/** Starts a broker of the test's own; it is stopped and its state removed after the test. */
export async function startOwnKafkaBroker(): Promise<OwnKafkaBroker> {
  const port = await freePortPair();
  const state = mkdtempSync(join(tmpdir(), 'sb-kafka-broker-'));
  const env = { ...process.env, SWITCHBOARD_KAFKA_PORT: String(port), SWITCHBOARD_KAFKA_STATE: state };
  const script = async (command: 'start' | 'stop') => {
    try {
      await run('bash', [SCRIPT, command], { env, timeout: 180_000 });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      throw new Error(`scripts/kafka.sh ${command} on port ${port} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: err });
    }
  };
  onCleanup(async () => {
    await script('stop').catch(() => {});
    rmSync(state, { recursive: true, force: true });
  });
  await script('start');
  return { brokers: [`127.0.0.1:${port}`], start: () => script('start'), stop: () => script('stop') };
}
