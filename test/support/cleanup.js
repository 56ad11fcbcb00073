const pending = [];
export function onCleanup(fn) {
  pending.push(fn);
}
export async function cleanupAll() {
  while (pending.length > 0) {
    const fn = pending.pop();
    try {
      await fn();
    } catch {
      // one failed close must not hide the others
    }
  }
}
//# sourceMappingURL=cleanup.js.map
