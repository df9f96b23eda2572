// The console's entry: sign in, then the shell with its pages (hash routes: the service serves one
// index.html under /console/).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Router } from 'wouter-preact';
import { useConsoleLocation } from './location.ts';
import { api, loadCredentials, saveCredentials, type Me } from './api.ts';
import { SessionContext } from './session.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { Shell } from './shell.tsx';
import './styles.css';

function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(loadCredentials() !== null);

  // A reload keeps the tab's credentials: check they still work.
  useEffect(() => {
    if (!checking) return;
    api<Me>('/me')
      .then(setMe)
      .catch(() => saveCredentials(null))
      .finally(() => setChecking(false));
  }, [checking]);

  if (checking) return <p class="muted">Loading…</p>;
  if (!me) {
    return (
      <SignIn
        onSignedIn={(credentials, who) => {
          saveCredentials(credentials);
          setMe(who);
        }}
      />
    );
  }
  const signOut = () => {
    saveCredentials(null);
    setMe(null);
  };
  return (
    <SessionContext.Provider value={{ me, signOut }}>
      <Router hook={useConsoleLocation}>
        <Shell />
      </Router>
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
