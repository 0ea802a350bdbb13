import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Api } from './api.ts';
import type { Auth, SignedIn } from './auth.ts';
import type { PortalConfig } from './config.ts';

export interface Portal {
  config: PortalConfig;
  api: Api;
  auth: Auth;
}

export const PortalContext = createContext<Portal | null>(null);

export function usePortal(): Portal {
  const portal = useContext(PortalContext);
  if (!portal) throw new Error('usePortal outside the portal');
  return portal;
}

/** The signed-in person, re-rendering on sign-in and sign-out. */
export function useSignedIn(): SignedIn | null {
  const { auth } = usePortal();
  return useSyncExternalStore(auth.subscribe, auth.current);
}
