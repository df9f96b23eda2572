// The signed-in layout: navigation (only the pages the role may use), who is signed in, the page.
import { Link, Redirect, Route, Switch, useRoute } from 'wouter-preact';
import type { ComponentChildren } from 'preact';
import { useSession } from './session.tsx';
import { Live } from './pages/live.tsx';
import { CustomerSearch } from './pages/customer-search.tsx';
import { Customer360 } from './pages/customer-360.tsx';
import { Timeline } from './pages/timeline.tsx';
import { Replay } from './pages/replay.tsx';
import { Debug } from './pages/debug.tsx';
import { ConsumerGroups } from './pages/consumer-groups.tsx';
import { Cache } from './pages/cache.tsx';
import { can } from './api.ts';

function NavLink({ href, children }: { href: string; children: ComponentChildren }) {
  const [active] = useRoute(`${href}/*?`);
  return (
    <Link href={href} class={active ? 'active' : ''} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function Shell() {
  const { me, signOut } = useSession();
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">BSS console</span>
        <span class="who">
          <span data-testid="principal">{me.id}</span>{' '}
          <span class={`role role-${me.role}`} data-testid="role">
            {me.role}
          </span>
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <nav class="side" aria-label="Console sections">
        <NavLink href="/live">Live</NavLink>
        <NavLink href="/customers">Customers</NavLink>
        {can(me, 'admin') && <NavLink href="/timeline">Timeline</NavLink>}
        {can(me, 'admin') && <NavLink href="/replay">Replay</NavLink>}
        {can(me, 'admin') && <NavLink href="/debug">Debug</NavLink>}
        <NavLink href="/groups">Consumer groups</NavLink>
        <NavLink href="/cache">Cache</NavLink>
      </nav>
      <main class="page">
        <Switch>
          <Route path="/live" component={Live} />
          <Route path="/customers" component={CustomerSearch} />
          {can(me, 'admin') && <Route path="/timeline" component={Timeline} />}
          {can(me, 'admin') && <Route path="/replay" component={Replay} />}
          {can(me, 'admin') && <Route path="/debug" component={Debug} />}
          <Route path="/groups" component={ConsumerGroups} />
          <Route path="/cache" component={Cache} />
          <Route path="/customers/:id">{(params) => <Customer360 id={decodeURIComponent(params.id)} />}</Route>
          <Route>
            <Redirect to="/live" />
          </Route>
        </Switch>
      </main>
    </div>
  );
}
