import { type SignTokenOptions } from '../../src/auth/sign-token.js';
import type { SwitchboardConfigInput } from '../../src/config/schema.js';
import { type RunningServer } from '../../src/server.js';
import type { Store } from '../../src/store/store.js';
import { type ConnectOptions, connectClient } from './client.js';
export declare const TEST_SECRET = 'test-secret-with-enough-length-0123456789';
export declare const TEST_API_KEY = 'sk_test_0123456789abcdef';
export interface TestServer extends RunningServer {
  /** A JWT for `sub` signed with the test secret. */
  token(sub: string, options?: Partial<SignTokenOptions>): Promise<string>;
  /** Connects a real client as `sub` and waits for `connected`. */
  connect(
    sub: string,
    options?: ConnectOptions & {
      roles?: string[];
    },
  ): ReturnType<typeof connectClient>;
  /** fetch() against the server with the API key or a token. */
  request(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      token?: string;
      apiKey?: boolean;
      headers?: Record<string, string>;
      rawBody?: string;
    },
  ): Promise<{
    status: number;
    body: any;
  }>;
}
export interface TestServerOptions {
  config?: SwitchboardConfigInput;
  store?: Store;
  /** Keep the server running after the test (for tests that stop it themselves). */
  manualStop?: boolean;
}
export declare function startTestServer(options?: TestServerOptions): Promise<TestServer>;
