// Sign in with an API key (X-API-Key) or a bearer token; checked at once with GET /api/v1/me.
import { useState } from 'preact/hooks';
import { api, ApiError, type Credentials, type Me } from '../api.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (credentials: Credentials, me: Me) => void }) {
  const [kind, setKind] = useState<Credentials['kind']>('api-key');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const credentials = { kind, secret: secret.trim() };
    try {
      onSignedIn(credentials, await api<Me>('/me', { credentials }));
    } catch (e) {
      setError(e instanceof ApiError ? `${e.status} ${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">BSS console</h1>
        <p class="muted">Sign in with an API key or a bearer token. It stays in this tab only.</p>
        <fieldset>
          <legend>Credential</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'api-key'} onChange={() => setKind('api-key')} /> API key
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'bearer'} onChange={() => setKind('bearer')} /> Bearer
            token
          </label>
        </fieldset>
        <label for="secret">{kind === 'api-key' ? 'API key' : 'Bearer token'}</label>
        <input
          id="secret"
          type="password"
          autocomplete="off"
          required
          value={secret}
          onInput={(e) => setSecret(e.currentTarget.value)}
        />
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || secret.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
