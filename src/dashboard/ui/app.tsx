/** The page: sign-in, then the live dashboard. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { type Api, createApi } from './api.js';
import { ChannelsPanel } from './channels-panel.js';
import { ConfirmProvider } from './confirm.js';
import { formatTime } from './format.js';
import { usePoll } from './hooks.js';
import { Errors, Nodes, Status, Totals } from './overview-panels.js';
import { PublishPanel } from './publish-panel.js';
import { SignIn } from './sign-in.js';
import { UsersPanel } from './users-panel.js';

const STORAGE_KEY = 'switchboard.dashboard';

interface Session {
  token: string;
  label: string;
}

function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

function Dashboard(props: { api: Api; session: Session; serverName: string; onSignOut(notice?: string): void }) {
  const overview = usePoll(() => props.api.overview(), 1000, []);
  const [channel, setChannel] = useState<string | undefined>(undefined);
  const [user, setUser] = useState<string | undefined>(undefined);
  const { onSignOut } = props;

  useEffect(() => {
    if (overview.error?.signedOut) onSignOut(`${overview.error.code}: ${overview.error.message}`);
  }, [overview.error, onSignOut]);

  const o = overview.data;
  let live = 'connecting…';
  let liveClass = 'pending';
  if (overview.error) {
    live = `${overview.error.code}: ${overview.error.message} — retrying`;
    liveClass = 'down';
  } else if (o) {
    live = `${o.stale ? 'late' : 'live'} · ${formatTime(o.generatedAt)}`;
    liveClass = o.stale ? 'degraded' : 'up';
  }

  return (
    <>
      <header class="top">
        <h1>{props.serverName}</h1>
        <span class={`live ${liveClass}`} data-testid="live">
          <span class={`dot ${liveClass}`} />
          {live}
        </span>
        <span class="who" data-testid="who">
          {props.session.label}
        </span>
        <button type="button" class="secondary" onClick={() => onSignOut()}>
          Sign out
        </button>
      </header>
      <main class="grid">
        {o ? (
          <>
            <Totals overview={o} />
            <div class="col">
              <Nodes overview={o} />
              <Status overview={o} />
              <Errors overview={o} />
            </div>
          </>
        ) : (
          <p class="muted">Loading…</p>
        )}
        <div class="col">
          <ChannelsPanel api={props.api} onPick={setChannel} />
          <PublishPanel api={props.api} channel={channel} />
        </div>
        <div class="full">
          <UsersPanel api={props.api} selected={user} onSelect={setUser} />
        </div>
      </main>
    </>
  );
}

export function App(props: { serverName: string }) {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const api = useMemo(() => (session ? createApi(session.token) : undefined), [session]);

  const signOut = useMemo(
    () => (message?: string) => {
      sessionStorage.removeItem(STORAGE_KEY);
      setNotice(message);
      setSession(undefined);
    },
    [],
  );

  if (!session || !api) {
    return (
      <SignIn
        serverName={props.serverName}
        notice={notice}
        onSignedIn={(token, label) => {
          const next = { token, label };
          sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
          setNotice(undefined);
          setSession(next);
        }}
      />
    );
  }
  return (
    <ConfirmProvider onSignedOut={signOut}>
      <Dashboard api={api} session={session} serverName={props.serverName} onSignOut={signOut} />
    </ConfirmProvider>
  );
}
