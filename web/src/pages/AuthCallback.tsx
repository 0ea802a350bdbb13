import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { usePortal } from '../app-context.tsx';

/** Where the hosted sign-in sends people back: finish signing in, then go where they were going. */
export function AuthCallback() {
  const { auth } = usePortal();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    auth
      .completeSignIn()
      .then((next) => navigate(next, { replace: true }))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [auth, navigate]);
  return (
    <>
      <h1 tabIndex={-1}>Signing you in…</h1>
      {error && <p role="alert">Sign-in did not complete: {error}</p>}
    </>
  );
}
