import type { AuthConfig } from './config.ts';

export type Role = 'agent' | 'lead' | 'seller';

/** A signed-in person, as their ID token says. */
export interface SignedIn {
  role: Role;
  email: string;
  sellerId: string | null;
  idToken: string;
  /** Epoch ms at which the token stops working. */
  expiresAt: number;
}

export interface Auth {
  mode: AuthConfig['mode'];
  current(): SignedIn | null;
  subscribe(listener: () => void): () => void;
  /** Local runtime only: a token for any role and email, from `/_local/tokens`. */
  signInLocal(who: { role: Role; email: string; sellerId?: string }): Promise<void>;
  /** Cognito: off to the hosted sign-in page, back at `/auth/callback`. */
  signIn(returnTo: string): Promise<void>;
  /** Finishes the hosted sign-in at `/auth/callback`; answers where to go next. */
  completeSignIn(): Promise<string>;
  signOut(): Promise<void>;
}

/** The claims casewatch reads from an ID token (the same the API reads). */
export function personOf(idToken: string): SignedIn | null {
  try {
    const payload = idToken.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    const groups: string[] = Array.isArray(claims['cognito:groups'])
      ? claims['cognito:groups']
      : String(claims['cognito:groups'] ?? '')
          .split(/[\s,]+/)
          .filter(Boolean);
    const role: Role | null = groups.includes('leads')
      ? 'lead'
      : groups.includes('agents')
        ? 'agent'
        : groups.includes('sellers')
          ? 'seller'
          : null;
    if (!role || typeof claims.email !== 'string' || typeof claims.exp !== 'number') return null;
    return {
      role,
      email: claims.email,
      sellerId: typeof claims['custom:sellerId'] === 'string' ? claims['custom:sellerId'] : null,
      idToken,
      expiresAt: claims.exp * 1000,
    };
  } catch {
    return null;
  }
}

function createStore() {
  let person: SignedIn | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => (person && person.expiresAt > Date.now() ? person : null),
    set(next: SignedIn | null) {
      person = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const LOCAL_KEY = 'casewatch.local-sign-in';

/**
 * Local sign-in: pick a role and an email, get a token from the local runtime. Kept for the tab
 * (sessionStorage) so a reload keeps you signed in while you try things; the local runtime's tokens are
 * signed by a key that exists only on this machine.
 */
function localAuth(apiBase: string): Auth {
  const store = createStore();
  const saved = sessionStorage.getItem(LOCAL_KEY);
  if (saved) store.set(personOf(saved));
  return {
    mode: 'local',
    current: store.get,
    subscribe: store.subscribe,
    async signInLocal(who) {
      const response = await fetch(`${apiBase}/_local/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(who),
      });
      const body = (await response.json()) as { token?: string; detail?: string };
      if (!response.ok || !body.token) throw new Error(body.detail ?? `sign-in failed (${response.status})`);
      const person = personOf(body.token);
      if (!person) throw new Error('the local runtime answered a token casewatch cannot read');
      sessionStorage.setItem(LOCAL_KEY, body.token);
      store.set(person);
    },
    async signIn() {
      throw new Error('use the local sign-in form');
    },
    async completeSignIn() {
      return '/';
    },
    async signOut() {
      sessionStorage.removeItem(LOCAL_KEY);
      store.set(null);
    },
  };
}

/**
 * Cognito's hosted sign-in, authorization code with PKCE, by oidc-client-ts (loaded only here). Tokens
 * stay in memory, never in storage; the refresh token renews the ID token before it expires.
 */
function cognitoAuth(config: Extract<AuthConfig, { mode: 'cognito' }>): Auth {
  const store = createStore();
  const manager = import('oidc-client-ts').then(
    ({ UserManager, WebStorageStateStore, InMemoryWebStorage }) => {
      const users = new UserManager({
        authority: config.authority,
        client_id: config.clientId,
        redirect_uri: `${location.origin}/auth/callback`,
        post_logout_redirect_uri: `${location.origin}/`,
        response_type: 'code',
        scope: 'openid email profile',
        userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
        automaticSilentRenew: true,
      });
      users.events.addUserLoaded((user) => store.set(user.id_token ? personOf(user.id_token) : null));
      users.events.addUserUnloaded(() => store.set(null));
      users.events.addSilentRenewError(() => store.set(null));
      return users;
    },
  );
  return {
    mode: 'cognito',
    current: store.get,
    subscribe: store.subscribe,
    async signInLocal() {
      throw new Error('sign in with your account');
    },
    async signIn(returnTo) {
      await (await manager).signinRedirect({ state: returnTo });
    },
    async completeSignIn() {
      const user = await (await manager).signinRedirectCallback();
      store.set(user.id_token ? personOf(user.id_token) : null);
      return typeof user.state === 'string' && user.state.startsWith('/') ? user.state : '/';
    },
    async signOut() {
      await (await manager).removeUser();
      store.set(null);
      // Cognito's own logout endpoint ends the hosted session too.
      const url = new URL('/logout', config.domain);
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('logout_uri', `${location.origin}/`);
      location.assign(url.toString());
    },
  };
}

export function createAuth(config: AuthConfig, apiBase: string): Auth {
  return config.mode === 'local' ? localAuth(apiBase) : cognitoAuth(config);
}
