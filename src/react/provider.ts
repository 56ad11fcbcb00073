/**
 * `<SwitchboardProvider client={sb}>` and the hooks' access to the client. The
 * provider does not create or close the client: the app owns its lifetime.
 */
import { createContext, createElement, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { ConnectionState, SwitchboardClient } from '../client/index.js';

const SwitchboardContext = createContext<SwitchboardClient | null>(null);

export interface SwitchboardProviderProps {
  client: SwitchboardClient;
  children?: ReactNode;
}

/**
 * Makes a client available to the hooks below it.
 * @example
 * const sb = createClient({ url, getToken });
 * root.render(<SwitchboardProvider client={sb}><App /></SwitchboardProvider>);
 */
export function SwitchboardProvider({ client, children }: SwitchboardProviderProps) {
  return createElement(SwitchboardContext.Provider, { value: client }, children);
}

/** The client of the nearest provider; throws outside one. */
export function useSwitchboard(): SwitchboardClient {
  const client = useContext(SwitchboardContext);
  if (!client) throw new Error('Switchboard hooks need a <SwitchboardProvider client={…}> above them');
  return client;
}

/** The connection state, re-rendering on each change. */
export function useConnectionState(): ConnectionState {
  const client = useSwitchboard();
  return useSyncExternalStore(
    (onChange) => client.on('state', onChange),
    () => client.state,
    () => client.state,
  );
}
