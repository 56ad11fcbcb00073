/** Runs before every test file: closes what each test opened. */
import { afterEach } from 'vitest';
import { cleanupAll } from './cleanup.js';

afterEach(async () => {
  await cleanupAll();
});
