/** The sign-in form: an API key (`sk_…`) or a JWT with role `admin`. */
import { useState } from 'preact/hooks';
import { ApiError, createApi } from './api.js';

export function SignIn(props: { serverName: string; notice: string | undefined; onSignedIn(token: string, label: string): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(props.notice);
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in">
      <form
        data-testid="sign-in"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            const me = await createApi(token.trim()).whoami();
            props.onSignedIn(token.trim(), me.label);
          } catch (err) {
            setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>{props.serverName}</h1>
        <p class="muted">Sign in with an API key or an admin token.</p>
        <label>
          API key or admin JWT
          <input
            type="password"
            name="token"
            autocomplete="off"
            required
            placeholder="sk_… or eyJ…"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error ? (
          <p class="error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        ) : null}
        <p class="muted small">The token stays in this tab (sessionStorage) and is sent only to this server.</p>
      </form>
    </main>
  );
}
