/**
 * The portal links casewatch mails (docs/portal.md#links-in-mail), read back out of a mail's text the way
 * a person's mail client would show them: `<portal>/survey#token=…` and `<portal>/case/<number>[#token=…]`.
 */
export function surveyLinkIn(text: string | undefined): { url: URL; token: string } | null {
  const match = /(https?:\/\/[^\s]+\/survey#token=[A-Za-z0-9._~%-]+)/.exec(text ?? '');
  if (!match?.[1]) return null;
  const url = new URL(match[1]);
  return { url, token: decodeURIComponent(url.hash.replace(/^#token=/, '')) };
}

export function caseLinkIn(
  text: string | undefined,
): { url: URL; number: string; token: string | null } | null {
  const match = /(https?:\/\/[^\s]+\/case\/[A-Za-z0-9-]+(?:#token=[A-Za-z0-9._~%-]+)?)/.exec(text ?? '');
  if (!match?.[1]) return null;
  const url = new URL(match[1]);
  const token = url.hash.startsWith('#token=') ? decodeURIComponent(url.hash.slice('#token='.length)) : null;
  return { url, number: decodeURIComponent(url.pathname.replace(/^.*\/case\//, '')), token };
}
