import { Link, Navigate } from 'react-router';
import { useSignedIn } from '../app-context.tsx';

export function Home() {
  const person = useSignedIn();
  if (person?.role === 'agent') return <Navigate to="/queue" replace />;
  if (person?.role === 'lead') return <Navigate to="/lead" replace />;
  if (person?.role === 'seller') return <Navigate to="/my-cases" replace />;
  return (
    <>
      <h1 tabIndex={-1}>How can we help?</h1>
      <div className="cards">
        <section className="card" aria-labelledby="buyers">
          <h2 id="buyers">A question about a purchase</h2>
          <p>
            Charged twice, a missing download, a refund? Open a case: no account needed. You will get a case
            number and a private link to follow it.
          </p>
          <Link className="button" to="/new">
            Open a case
          </Link>
        </section>
        <section className="card" aria-labelledby="sellers">
          <h2 id="sellers">Sellers and support staff</h2>
          <p>Sign in to open seller cases, follow your company's cases, or work the queue.</p>
          <Link className="button secondary" to="/sign-in">
            Sign in
          </Link>
        </section>
      </div>
      <p className="aside">
        Already have a case? Open the link in the mail we sent you, or reply to that mail.
      </p>
    </>
  );
}
