import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { usePortal } from '../app-context.tsx';
import type { Role } from '../auth.ts';
import { Field } from '../components/Field.tsx';

function nextPath(params: URLSearchParams): string {
  const next = params.get('next');
  return next?.startsWith('/') && !next.startsWith('//') && next !== '/sign-in' ? next : '/';
}

export function SignIn() {
  const { auth } = usePortal();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [role, setRole] = useState<Role>('agent');
  const [email, setEmail] = useState('alice@support.example');
  const [sellerId, setSellerId] = useState('acme');
  const [error, setError] = useState<string | null>(null);

  if (auth.mode === 'cognito') {
    return (
      <>
        <h1 tabIndex={-1}>Sign in</h1>
        <p>Sellers and support staff sign in with their casewatch account.</p>
        <button type="button" className="button" onClick={() => auth.signIn(nextPath(params))}>
          Continue to sign-in
        </button>
      </>
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await auth.signInLocal({ role, email, ...(role === 'seller' ? { sellerId } : {}) });
      navigate(nextPath(params), { replace: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <>
      <h1 tabIndex={-1}>Local sign-in</h1>
      <p className="notice local-notice">
        This is the <strong>local runtime</strong>: pick who you want to be. In AWS, people sign in with their
        Cognito account instead.
      </p>
      <form onSubmit={submit} className="form narrow">
        <fieldset>
          <legend>Role</legend>
          {(['agent', 'lead', 'seller'] as const).map((r) => (
            <label key={r} className="choice">
              <input
                type="radio"
                name="role"
                value={r}
                checked={role === r}
                onChange={() => {
                  setRole(r);
                  setEmail(
                    r === 'seller'
                      ? 'dana@acme.example'
                      : r === 'lead'
                        ? 'lena@support.example'
                        : 'alice@support.example',
                  );
                }}
              />{' '}
              {r === 'agent' ? 'Support agent' : r === 'lead' ? 'Support lead' : 'Seller'}
            </label>
          ))}
        </fieldset>
        <Field label="Email">
          {(a) => (
            <input {...a} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          )}
        </Field>
        {role === 'seller' && (
          <Field label="Seller id" hint="The company the seller works for; colleagues share it.">
            {(a) => <input {...a} required value={sellerId} onChange={(e) => setSellerId(e.target.value)} />}
          </Field>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button">
          Sign in
        </button>
      </form>
    </>
  );
}
