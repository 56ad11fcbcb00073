/** The `redis` config keys: defaults, the env variable and the heartbeat/timeout check. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../features.js';

describe('redis config', () => {
  it('defaults to one node with the switchboard: prefix, a 5 s / 20 s heartbeat and the pub/sub adapter', () => {
    const config = loadConfig({ env: {} });
    expect(config.redis).toEqual({
      keyPrefix: 'switchboard:',
      heartbeatIntervalMs: 5000,
      nodeTimeoutMs: 20_000,
      adapter: 'pubsub',
      streamMaxLength: 10_000,
    });
  });

  it('chooses the streams adapter from the environment and refuses an unknown one', () => {
    expect(loadConfig({ env: { SWITCHBOARD_REDIS_ADAPTER: 'streams' } }).redis.adapter).toBe('streams');
    expect(() => loadConfig({ env: { SWITCHBOARD_REDIS_ADAPTER: 'kafka' } })).toThrow(/redis\.adapter/);
  });

  it('reads the URL and the key prefix from the environment', () => {
    const config = loadConfig({ env: { SWITCHBOARD_REDIS_URL: 'redis://r:6379', SWITCHBOARD_REDIS_KEY_PREFIX: 'app1:' } });
    expect(config.redis).toMatchObject({ url: 'redis://r:6379', keyPrefix: 'app1:' });
  });

  it('refuses a node timeout that is not longer than the heartbeat interval, naming the key', () => {
    expect(() => loadConfig({ env: {}, overrides: { redis: { heartbeatIntervalMs: 5000, nodeTimeoutMs: 5000 } } })).toThrow(
      /redis\.nodeTimeoutMs/,
    );
  });
});
