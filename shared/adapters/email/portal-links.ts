import type { Case } from '../../domain/case.ts';
import type { CaseTokens } from '../../ports/case-tokens.ts';

/** Who a mail is for: the requester, or the people who work the case. */
export type MailAudience = 'customer' | 'internal';

export interface PortalLinks {
  /**
   * The case's page in the portal (docs/portal.md#links-in-mail). Staff and sellers sign in there; a
   * buyer's link carries the case token in the fragment (`#token=`), which browsers never send to a server.
   */
  caseUrl(c: Case, audience: MailAudience): Promise<string>;
  /** The portal's survey page for a signed survey token, the token again in the fragment. */
  surveyUrl(token: string): string;
  /** The portal's meeting page for a signed meeting link, with the slot the requester clicked. */
  meetingUrl(token: string, slot: string): string;
}

/**
 * Links into the portal at `portalUrl` (no trailing slash needed; a function when it is known only once a
 * server listens); buyers' case tokens from `caseTokens`.
 */
export function createPortalLinks(
  portalUrl: string | (() => string),
  caseTokens: Pick<CaseTokens, 'issue'>,
): PortalLinks {
  const base = () => (typeof portalUrl === 'function' ? portalUrl() : portalUrl).replace(/\/+$/, '');
  return {
    async caseUrl(c, audience) {
      const page = `${base()}/case/${encodeURIComponent(c.number)}`;
      // Only the buyer of a consumer case reads it without signing in; staff and sellers sign in.
      if (audience === 'internal' || c.type !== 'consumer') return page;
      return `${page}#token=${encodeURIComponent(await caseTokens.issue(c.id))}`;
    },
    surveyUrl: (token) => `${base()}/survey#token=${encodeURIComponent(token)}`,
    meetingUrl: (token, slot) =>
      `${base()}/meeting#token=${encodeURIComponent(token)}&slot=${encodeURIComponent(slot)}`,
  };
}
