import { jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../ports/clock.ts';

/** Longer than any token `issue` makes; anything longer is refused before spending an HMAC on it. */
const MAX_TOKEN_LENGTH = 2048;

export interface LinkTokenOptions {
  /** Each kind of link its own audience, so none passes for another. */
  audience: string;
  lifetimeSeconds: number;
  key: () => Promise<Uint8Array>;
  clock: Clock;
}

/**
 * The signed tokens mailed links carry (a survey, a meeting): HS256 JWTs naming a case (`sub`), plus
 * string claims of the link's own, for one audience, valid `lifetimeSeconds` from issue. Time comes from
 * the runtime's clock, not jose's `Date.now()`, so the local runtime's virtual clock expires links as it
 * expires everything else; issuer and verifier must share that clock. Rotating the secret revokes every
 * link issued before.
 */
export function createLinkTokens({ audience, lifetimeSeconds, key, clock }: LinkTokenOptions) {
  const epochSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    async issue(subject: string, claims: Record<string, string> = {}): Promise<string> {
      const issuedAt = epochSeconds();
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(subject)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + lifetimeSeconds)
        .sign(await key());
    },
    /** `sub` and each named claim, all non-empty strings; null for a forged, altered, expired or foreign token. */
    async verify<C extends string>(
      token: string,
      claims: readonly C[] = [],
    ): Promise<({ sub: string } & Record<C, string>) | null> {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
      try {
        const { payload } = await jwtVerify(token, await key(), {
          audience,
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp', ...claims],
          currentDate: clock.now(),
        });
        const named = ['sub', ...claims] as const;
        const values = named.map((name) => payload[name]);
        if (!values.every((v) => typeof v === 'string' && v !== '')) return null;
        return Object.fromEntries(named.map((name, i) => [name, values[i]])) as { sub: string } & Record<
          C,
          string
        >;
      } catch {
        return null;
      }
    },
  };
}
