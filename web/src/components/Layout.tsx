import { useEffect } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { usePortal, useSignedIn } from '../app-context.tsx';

/**
 * Where to come back to after signing in: the path, its query (a queue's filters) and its fragment,
 * unless the fragment holds a case token (`#token=…`), which must not travel in a query servers see.
 */
export function hereForSignIn(location: { pathname: string; search: string; hash: string }): string {
  const hash = new URLSearchParams(location.hash.slice(1)).has('token') ? '' : location.hash;
  return `${location.pathname}${location.search}${hash}`;
}

/** The frame of every page: a skip link, the header with what this person can reach, and the page. */
export function Layout() {
  const { auth } = usePortal();
  const person = useSignedIn();
  const location = useLocation();
  const navigate = useNavigate();

  // A new page moves focus to its heading, so screen-reader users hear where they are.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation, by design
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          casewatch <span>support</span>
        </Link>
        <nav aria-label="Main">
          <ul>
            {(!person || person.role === 'seller') && (
              <li>
                <NavLink to="/new">Open a case</NavLink>
              </li>
            )}
            {person?.role === 'seller' && (
              <li>
                <NavLink to="/my-cases">Our cases</NavLink>
              </li>
            )}
            {(person?.role === 'agent' || person?.role === 'lead') && (
              <li>
                <NavLink to="/queue">Queue</NavLink>
              </li>
            )}
            {person?.role === 'lead' && (
              <li>
                <NavLink to="/lead">Overview</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="who">
          {person ? (
            <>
              <span className="who-name">
                {person.email} <span className="role">({person.role})</span>
              </span>
              <button
                type="button"
                className="link-button"
                onClick={async () => {
                  await auth.signOut();
                  navigate('/');
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            <Link to={`/sign-in?next=${encodeURIComponent(hereForSignIn(location))}`}>Sign in</Link>
          )}
        </div>
      </header>
      <main id="main" className="page">
        <Outlet />
      </main>
    </>
  );
}
