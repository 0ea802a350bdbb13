/**
 * What the portal learns at run time from `/config.json`, written at deploy (AWS) or answered by the
 * local runtime: where the API is, and how people sign in.
 */
export type AuthConfig =
  | { mode: 'local' }
  | {
      mode: 'cognito';
      /** The user pool's issuer: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
      authority: string;
      clientId: string;
      /** The hosted sign-in domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
      domain: string;
    };

export interface PortalConfig {
  /** The API's base URL on this origin: `/api`. */
  apiBase: string;
  auth: AuthConfig;
}

function isConfig(value: unknown): value is PortalConfig {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const auth = v.auth as Record<string, unknown> | undefined;
  if (typeof v.apiBase !== 'string' || typeof auth !== 'object' || auth === null) return false;
  if (auth.mode === 'local') return true;
  return (
    auth.mode === 'cognito' &&
    typeof auth.authority === 'string' &&
    typeof auth.clientId === 'string' &&
    typeof auth.domain === 'string'
  );
}

export async function loadConfig(): Promise<PortalConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`the portal's configuration is missing (${response.status})`);
  const config: unknown = await response.json();
  if (!isConfig(config)) throw new Error("the portal's configuration is not valid");
  return config;
}
