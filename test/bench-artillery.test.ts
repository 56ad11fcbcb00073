/**
 * The Artillery scenarios (bench/artillery/) parse, send only events the server
 * knows, subscribe only to namespaces the sample config declares, and call only
 * routes the server's OpenAPI document has. Artillery itself is not installed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestServer } from './support/server.js';

const DIR = 'bench/artillery';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));

interface Step {
  emit?: { channel: string; data?: unknown };
  acknowledge?: object;
  loop?: Step[];
  post?: { url: string };
  get?: { url: string };
  think?: number;
}
interface Script {
  config: { target: string; payload?: { path: string }; variables?: Record<string, string> };
  scenarios: Array<{ name: string; engine?: string; socketio?: { auth?: { token?: string } }; flow: Step[] }>;
}

function steps(flow: Step[]): Step[] {
  return flow.flatMap((step) => [step, ...steps(step.loop ?? [])]);
}

const sampleNamespaces = Object.keys((JSON.parse(readFileSync('examples/config.json', 'utf8')) as { channels: object }).channels);

describe('Artillery scenarios', () => {
  it('are the fan-out and the chat', () => {
    expect(files.sort()).toEqual(['chat.yml', 'fan-out-publisher.yml', 'fan-out.yml']);
  });

  it.each(files)('%s parses and uses only events, namespaces and routes the server has', async (file) => {
    const script = parse(readFileSync(join(DIR, file), 'utf8')) as Script;
    const server = await startTestServer();
    const known = ((await server.request('GET', '/api/status')).body as { events: string[] }).events;
    const paths = Object.keys(((await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: object }).paths);

    expect(script.config.target).toMatch(/^http/);
    const all = script.scenarios.flatMap((scenario) => steps(scenario.flow));
    const emits = all.flatMap((step) => (step.emit ? [step] : []));
    for (const step of emits) {
      expect(known, `event ${step.emit?.channel}`).toContain(step.emit?.channel);
      // Errors come back as acks, never as an `error` event (see the README).
      expect(step.acknowledge, `ack of ${step.emit?.channel}`).toBeDefined();
    }
    for (const scenario of script.scenarios.filter((s) => s.engine === 'socketio')) {
      // One token per virtual user, templated when its socket connects.
      expect(scenario.socketio?.auth?.token).toBe('{{ token }}');
      expect(script.config.payload?.path).toBe('tokens.csv');
    }
    for (const step of all) if (step.think !== undefined) expect(Number.isInteger(step.think)).toBe(true);
    for (const step of all) {
      const url = step.post?.url ?? step.get?.url;
      if (url) expect(paths, `route ${url}`).toContain(url);
    }
    const channel = script.config.variables?.channel;
    if (channel) expect(sampleNamespaces).toContain(channel.split(':')[0]);
    for (const scenario of script.scenarios) if (scenario.flow.some((s) => s.emit)) expect(scenario.engine).toBe('socketio');
    expect(emits.length + all.filter((s) => s.post).length).toBeGreaterThan(0);
  });
});
