/** SDK clients for tests: fast retries, websocket only, closed after the test. */
import { createClient, type SwitchboardClient } from '../../src/client/index.js';
import type { ClientOptions, ConnectionState } from '../../src/client/types.js';
import { onCleanup } from './cleanup.js';

/** A client with test-speed backoff (the defaults are seconds). */
export function sdkClient(options: ClientOptions): SwitchboardClient {
  const client = createClient({
    transports: ['websocket'],
    reconnectionDelay: 50,
    reconnectionDelayMax: 300,
    retry: { minDelayMs: 50, maxDelayMs: 400 },
    gapTimeoutMs: 300,
    ...options,
  });
  onCleanup(() => client.close());
  return client;
}

/** Every state the client went through, from now on. */
export function recordStates(client: SwitchboardClient): ConnectionState[] {
  const states: ConnectionState[] = [];
  client.on('state', (state) => states.push(state));
  return states;
}

/** Resolves when the client reaches `state` (at once if it is there). */
export function reach(client: SwitchboardClient, state: ConnectionState, timeoutMs = 10_000): Promise<void> {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`client did not reach "${state}" (is "${client.state}")`));
    }, timeoutMs);
    const off = client.on('state', (next) => {
      if (next !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
