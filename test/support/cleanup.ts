/** Resources a test opened, closed after it whatever its outcome (newest first). */
type Cleanup = () => Promise<void> | void;
const pending: Cleanup[] = [];

export function onCleanup(fn: Cleanup): void {
  pending.push(fn);
}

export async function cleanupAll(): Promise<void> {
  while (pending.length > 0) {
    const fn = pending.pop() as Cleanup;
    try {
      await fn();
    } catch {
      // one failed close must not hide the others
    }
  }
}
