/**
 * The two-tab chat demo (examples/chat.html) on the client SDK and its React hooks.
 * `npm run build` bundles it, React and socket.io-client included, into
 * dist/examples/chat.js, which the page loads: nothing comes from a CDN.
 */
import { type FormEvent, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient, type Message, type SwitchboardClient, type SwitchboardError } from '../../src/client/index.js';
import {
  SwitchboardProvider,
  useConnectionState,
  useConversation,
  useConversations,
  usePresence,
  useSwitchboard,
} from '../../src/react/index.js';

const describe = (err: unknown) => {
  const e = err as Partial<SwitchboardError> | undefined;
  return e?.code ? `${e.code}: ${e.message}` : String((err as Error)?.message ?? err);
};

/** Whether the page is on screen: messages are marked read only then. */
function useVisible(): boolean {
  const [visible, setVisible] = useState(document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

interface BarProps {
  server: string;
  token: string;
  onServer(value: string): void;
  onToken(value: string): void;
  onConnect(): void;
  status: string;
  error: string;
}

function ConnectBar({ server, token, onServer, onToken, onConnect, status, error }: BarProps) {
  return (
    <header>
      <input id="server" placeholder="server URL" value={server} onChange={(e) => onServer(e.target.value)} />
      <input
        id="token"
        placeholder="paste a token (npx switchboard token --sub alice)"
        value={token}
        onChange={(e) => onToken(e.target.value)}
      />
      <button type="button" id="connect" onClick={onConnect}>
        Connect
      </button>
      <span id="me">{status}</span>
      <span id="error" role="alert">
        {error ? `⚠ ${error}` : ''}
      </span>
    </header>
  );
}

const RECEIPTS = { sent: '✓ sent', delivered: '✓✓ delivered', read: '✓✓ read' } as const;

function Messages({ conversationId, onError }: { conversationId: string; onError(message: string): void }) {
  const client = useSwitchboard();
  const visible = useVisible();
  const { messages, typingUsers, send, typing, markRead, receiptOf } = useConversation(conversationId);
  const [text, setText] = useState('');
  const me = client.info?.userId;
  const newestFromOthers = [...messages].reverse().find((m) => m.senderId !== me)?.id;

  // Read what is on screen: on open, on each new message from someone else, on return to the tab.
  useEffect(() => {
    if (visible && newestFromOthers) markRead(newestFromOthers).catch((err) => onError(describe(err)));
  }, [visible, newestFromOthers, markRead, onError]);

  const newestId = messages.at(-1)?.id;
  useEffect(() => {
    if (newestId) document.getElementById(`m-${newestId}`)?.scrollIntoView({ block: 'end' });
  }, [newestId]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setText('');
    // Queued while offline; the clientMessageId set by the SDK makes the resend safe.
    send(text).catch((err) => onError(describe(err)));
  };

  return (
    <main>
      <ul id="messages">
        {messages.map((m: Message) => (
          <li key={m.id} id={`m-${m.id}`} className={m.senderId === me ? 'mine' : ''}>
            <span>{m.deleted ? '(deleted)' : m.content}</span>
            <small>
              {m.senderId}
              {m.editedAt ? ' · edited' : ''}
            </small>
            {m.senderId === me && <small className="receipt">{RECEIPTS[receiptOf(m)]}</small>}
          </li>
        ))}
      </ul>
      <div id="typing">{typingUsers.length ? `${typingUsers.join(', ')} typing…` : ''}</div>
      <form id="send" onSubmit={submit}>
        <input
          id="text"
          placeholder="Message"
          autoComplete="off"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            typing();
          }}
        />
        <button type="submit">Send</button>
      </form>
    </main>
  );
}

/** The message pane before a conversation is open. */
function NoConversation() {
  return (
    <main>
      <ul id="messages" />
      <div id="typing" />
      <form id="send">
        <input id="text" placeholder="Message" disabled />
        <button type="submit" disabled>
          Send
        </button>
      </form>
    </main>
  );
}

function Connected({ bar, onError }: { bar: Omit<BarProps, 'status'>; onError(message: string): void }) {
  const client = useSwitchboard();
  const state = useConnectionState();
  const visible = useVisible();
  const [current, setCurrent] = useState<string | null>(null);
  const [peer, setPeer] = useState('');
  const { conversations, unreadTotal, open } = useConversations({ activeId: visible ? current : null });
  const me = client.info?.userId;
  const presence = usePresence(conversations.flatMap((c) => c.memberIds).filter((id) => id !== me));

  useEffect(() => client.on('error', (err) => onError(describe(err))), [client, onError]);

  let status = me ? `${me} · disconnected` : 'not connected';
  if (state === 'connected') status = `${me} · ${unreadTotal} unread`;
  else if (state === 'closed' && client.error) status = `refused: ${client.error.code}`;

  const chat = () => {
    if (!peer.trim()) return;
    onError('');
    open(peer.trim()).then(
      (c) => setCurrent(c.id),
      (err) => onError(describe(err)),
    );
  };

  return (
    <>
      <ConnectBar {...bar} status={status} />
      <aside>
        <div>
          <input id="peer" placeholder="user id" size={10} value={peer} onChange={(e) => setPeer(e.target.value)} />{' '}
          <button type="button" id="chat" onClick={chat}>
            Chat
          </button>
        </div>
        <div id="conversations">
          {conversations.map((c) => {
            const others = c.memberIds.filter((id) => id !== me);
            const online = c.kind === 'direct' && others.some((id) => presence[id]?.online);
            return (
              <button type="button" key={c.id} className={`conv${c.id === current ? ' active' : ''}`} onClick={() => setCurrent(c.id)}>
                <span className={online ? 'online' : undefined}>{c.title ?? others.join(', ')}</span>
                {c.unreadCount ? <span className="badge">{c.unreadCount}</span> : null}
              </button>
            );
          })}
        </div>
      </aside>
      {current ? <Messages key={current} conversationId={current} onError={onError} /> : <NoConversation />}
    </>
  );
}

function App() {
  const [server, setServer] = useState(location.protocol.startsWith('http') ? location.origin : 'http://127.0.0.1:3000');
  const [token, setToken] = useState('');
  const [client, setClient] = useState<SwitchboardClient>();
  const [error, setError] = useState('');

  // Anything that fails shows in the header's error line.
  useEffect(() => {
    const rejection = (event: PromiseRejectionEvent) => setError(describe(event.reason));
    const failure = (event: ErrorEvent) => setError(describe(event.error ?? event.message));
    window.addEventListener('unhandledrejection', rejection);
    window.addEventListener('error', failure);
    return () => {
      window.removeEventListener('unhandledrejection', rejection);
      window.removeEventListener('error', failure);
    };
  }, []);

  const connect = () => {
    setError('');
    client?.close();
    setClient(createClient({ url: server.trim(), token: token.trim() }));
  };
  const bar = { server, token, onServer: setServer, onToken: setToken, onConnect: connect, error };

  if (!client) {
    return (
      <>
        <ConnectBar {...bar} status="not connected" />
        <aside />
        <NoConversation />
      </>
    );
  }
  return (
    <SwitchboardProvider client={client}>
      <Connected bar={bar} onError={setError} />
    </SwitchboardProvider>
  );
}

createRoot(document.getElementById('app') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
