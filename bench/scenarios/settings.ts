/**
 * Settings experiments, as extra rows at one size with one setting changed
 * against the defaults (scenarios available on every build).
 * - no bufferutil: `WS_NO_BUFFER_UTIL=1` makes ws unmask frames in JS. A server
 *   only unmasks what clients send (it does not mask its own frames), so this is
 *   measured on echo, not on fan-out;
 * - compression on: per-message deflate for every message (threshold 0);
 * - recovery on / off: Switchboard with connection-state recovery (a 120 s
 *   window: every broadcast packet is kept and carries an offset) and without;
 *   one of the two is the build's default. The bare baseline never has it.
 */
import type { CaseSpec } from './types.js';

export function settingsCases(quick: boolean): CaseSpec[] {
  // the same size as a default fan-out row, for comparison
  const clients = quick ? 50 : 1000;
  const base = { scenario: 'fan-out', variant: 'broadcast', clients } as const;
  const cases: CaseSpec[] = [
    { scenario: 'request-reply', variant: 'echo', clients, setting: 'no bufferutil', server: { env: { WS_NO_BUFFER_UTIL: '1' } } },
    { ...base, setting: 'compression on', server: { compression: true } },
    // bare never has recovery: it runs again unchanged, interleaved, for a same-time ratio
    { ...base, setting: 'recovery on', server: { recovery: true } },
    { ...base, setting: 'recovery off', server: { recovery: false } },
  ];
  return quick ? cases.slice(3) : cases;
}
