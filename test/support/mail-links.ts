/**
 * The portal links casewatch mails (docs/portal.md#links-in-mail), read back out of a mail's text the way
 * a person's mail client would show them: `<portal>/survey#token=…` and `<portal>/case/<number>[#token=…]`.
 */
function linkIn(text: string | undefined, path: string): { url: URL; token: string | null } | null {
  const match = new RegExp(`(https?://\\S+${path}(?:#token=[A-Za-z0-9._~%-]+)?)`).exec(text ?? '');
  if (!match?.[1]) return null;
  const url = new URL(match[1]);
  const token = url.hash.startsWith('#token=') ? decodeURIComponent(url.hash.slice('#token='.length)) : null;
  return { url, token };
}

export function surveyLinkIn(text: string | undefined): { url: URL; token: string } | null {
  const link = linkIn(text, '/survey');
  return link?.token ? { url: link.url, token: link.token } : null;
}

export function caseLinkIn(
  text: string | undefined,
): { url: URL; number: string; token: string | null } | null {
  const link = linkIn(text, '/case/[A-Za-z0-9-]+');
  return link && { ...link, number: decodeURIComponent(link.url.pathname.replace(/^.*\/case\//, '')) };
}

/** The meeting page links of a proposal mail, one per slot: `<portal>/meeting#token=…&slot=<start>`. */
export function meetingLinksIn(text: string | undefined): { url: URL; token: string; slot: string }[] {
  return [...(text ?? '').matchAll(/https?:\/\/\S+\/meeting#\S+/g)].flatMap(([href]) => {
    const url = new URL(href);
    const fragment = new URLSearchParams(url.hash.slice(1));
    const token = fragment.get('token');
    const slot = fragment.get('slot');
    return token && slot ? [{ url, token, slot }] : [];
  });
}
