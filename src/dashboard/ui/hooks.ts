/** Polling and small state hooks. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface Polled<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** Ask again now (after an action, or a new filter). */
  refresh(): void;
}

/**
 * Calls `load` every `intervalMs` while the tab is visible, one call at a time (the
 * next starts only after the previous answered), and again whenever `deps` change.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[]): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `deps` are the caller's, and `tick` restarts the poll on refresh()
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      timer = undefined;
      if (document.hidden) {
        timer = setTimeout(run, intervalMs);
        return;
      }
      try {
        const value = await loadRef.current();
        if (stopped) return;
        setData(value);
        setError(undefined);
      } catch (err) {
        if (stopped) return;
        setError(err instanceof ApiError ? err : new ApiError('INTERNAL', String(err), 0));
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    const onVisible = () => {
      if (!document.hidden && timer !== undefined) {
        clearTimeout(timer);
        void run();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    void run();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [...deps, tick, intervalMs]);

  return { data, error, refresh: () => setTick((n) => n + 1) };
}

/** The last `size` values of a number, for sparklines. */
export function useHistory(value: number | undefined, key: unknown, size = 60): number[] {
  const [values, setValues] = useState<number[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: one sample per `key` (a new overview), not per render
  useEffect(() => {
    if (value === undefined) return;
    setValues((old) => [...old.slice(-(size - 1)), value]);
  }, [key]);
  return values;
}

/** Cursor paging with a way back: the cursors of the pages seen so far. */
export function useCursor() {
  const [stack, setStack] = useState<string[]>(['']);
  return {
    cursor: stack[stack.length - 1] ?? '',
    atStart: stack.length === 1,
    next: (cursor: string) => setStack((old) => [...old, cursor]),
    previous: () => setStack((old) => (old.length > 1 ? old.slice(0, -1) : old)),
    reset: () => setStack(['']),
  };
}
