/**
 * A minimal typed event emitter for the SDK's objects (client, inbox, chat). Kept
 * here rather than taken from a package: the SDK depends on socket.io-client only,
 * and this is twenty lines.
 */

// biome-ignore lint/suspicious/noExplicitAny: listener maps are checked by their users' generics
type AnyListener = (...args: any[]) => void;

/** Listener registry; `emit` is for the SDK, `on`/`off` for apps. */
export class Listeners<Events extends { [K in keyof Events]: AnyListener }> {
  private readonly byEvent = new Map<keyof Events, Set<AnyListener>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.byEvent.get(event);
    if (!set) {
      set = new Set();
      this.byEvent.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): void {
    this.byEvent.get(event)?.delete(listener);
  }

  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.byEvent.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        // An app's listener must not break the SDK's bookkeeping that called it;
        // the error still surfaces, as a throwing DOM event listener's does.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}
