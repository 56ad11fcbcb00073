/**
 * A test page for the React hooks the chat example does not use: useChannel,
 * useInbox, usePresence, useConnectionState. The client comes from the page's query
 * (`?url=…&token=…`); everything the hooks return is rendered as plain text.
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../src/client/index.js';
import { SwitchboardProvider, useChannel, useConnectionState, useInbox, usePresence } from '../../src/react/index.js';

function Channel() {
  const [offsets, setOffsets] = useState<number[]>([]);
  const [resets, setResets] = useState(0);
  const { state, publish } = useChannel<{ tick: { by: string } }>('news:1', (p) => setOffsets((list) => [...list, p.offset]), {
    onReset: () => setResets((n) => n + 1),
  });
  return (
    <section>
      <div id="sub-state">{state}</div>
      <div id="offsets">{offsets.join(',')}</div>
      <div id="resets">{resets}</div>
      <button type="button" id="publish" onClick={() => void publish('tick', { by: 'page' })}>
        publish
      </button>
    </section>
  );
}

function Inbox() {
  const { unreadCount, notifications, markRead, markAllRead } = useInbox();
  return (
    <section>
      <div id="unread">{unreadCount}</div>
      <ul id="notes">
        {notifications.map((n) => (
          <li key={n.id}>
            <button type="button" onClick={() => void markRead(n.id)}>
              {n.title}
              {n.read ? ' (read)' : ''}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" id="read-all" onClick={() => void markAllRead()}>
        read all
      </button>
    </section>
  );
}

function Presence() {
  const presence = usePresence(['bob']);
  return <div id="bob">{presence.bob ? (presence.bob.online ? 'online' : 'offline') : 'unknown'}</div>;
}

function App() {
  const state = useConnectionState();
  const [channelOn, setChannelOn] = useState(true);
  return (
    <main>
      <div id="state">{state}</div>
      <button type="button" id="toggle" onClick={() => setChannelOn((on) => !on)}>
        toggle channel
      </button>
      {channelOn ? <Channel /> : null}
      <Inbox />
      <Presence />
    </main>
  );
}

const query = new URLSearchParams(location.search);
const client = createClient({ url: query.get('url') as string, token: query.get('token') as string, reconnectionDelayMax: 500 });
createRoot(document.getElementById('app') as HTMLElement).render(
  <StrictMode>
    <SwitchboardProvider client={client}>
      <App />
    </SwitchboardProvider>
  </StrictMode>,
);
