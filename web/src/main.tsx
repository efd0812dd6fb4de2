// The distillguard dashboard: a Preact app over the JSON API of `distillguard serve`.
import { render, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import { analystName, setAnalystName } from './api';
import { AccountPage } from './pages/account';
import { AuditPage } from './pages/audit';
import { CampaignPage } from './pages/campaign';
import { OverviewPage } from './pages/overview';
import { PolicyPage } from './pages/policy';
import { ReviewPage } from './pages/review';
import { Link, useLocation } from './router';
import './style.css';

function route(path: string): JSX.Element {
  let m: RegExpExecArray | null;
  if ((m = /^\/campaigns\/([^/]+)\/?$/.exec(path))) return <CampaignPage key={m[1]} id={decodeURIComponent(m[1]!)} />;
  if ((m = /^\/accounts\/([^/]+)\/?$/.exec(path))) return <AccountPage key={m[1]} id={decodeURIComponent(m[1]!)} />;
  if (path === '/review') return <ReviewPage />;
  if (path === '/audit') return <AuditPage />;
  if (path === '/policy') return <PolicyPage />;
  if (path === '/' || path === '') return <OverviewPage />;
  return <p class="error">No page at {path}.</p>;
}

function Analyst(): JSX.Element {
  const [name, setName] = useState(analystName());
  return (
    <label class="analyst">
      analyst{' '}
      <input
        aria-label="Analyst name"
        value={name}
        maxLength={64}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          setName(v);
          setAnalystName(v.trim());
        }}
      />
    </label>
  );
}

function App(): JSX.Element {
  const { path } = useLocation();
  const nav = (href: string, label: string) => (
    <Link href={href} class={(href === '/' ? path === '/' : path.startsWith(href)) ? 'active' : ''}>
      {label}
    </Link>
  );
  return (
    <>
      <header class="top">
        <span class="brand">distillguard</span>
        <nav>
          {nav('/', 'Overview')}
          {nav('/review', 'Review')}
          {nav('/audit', 'Audit log')}
          {nav('/policy', 'Policy')}
        </nav>
        <Analyst />
      </header>
      <main>{route(path)}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
