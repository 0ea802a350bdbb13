import ipaddr from 'ipaddr.js';

/*
 * Where a webhook may post (docs/integrations.md#urls): only to the public internet. Apart from the
 * webhook's shape (`webhook.ts`), so the functions that only read webhooks do not load an address parser.
 */

export interface UrlPolicy {
  /** The local runtime lets tests receive on plain-HTTP loopback; AWS never does. */
  allowLoopbackHttp: boolean;
}

/**
 * Why casewatch will not post to an address, or null when it may (docs/integrations.md#urls): anything
 * but an IP on the public internet — private, loopback, link-local (the cloud metadata service at
 * 169.254.169.254 among them), carrier-grade NAT, multicast, reserved, IPv6 unique-local and mapped
 * forms of those — so a webhook cannot be used to reach inside our network.
 */
export function addressProblem(address: string, policy: UrlPolicy): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && policy.allowLoopbackHttp) return null;
  const words: Record<string, string> = {
    private: 'a private address',
    loopback: 'a loopback address',
    linkLocal: 'a link-local address (as the cloud metadata service is)',
    uniqueLocal: 'a private (unique-local) address',
    carrierGradeNat: 'a carrier-grade NAT address',
    unspecified: 'the unspecified address',
    multicast: 'a multicast address',
    broadcast: 'the broadcast address',
    reserved: 'a reserved address',
  };
  return `${address} is ${words[range] ?? `not a public address (${range})`}`;
}

/**
 * Why a webhook URL is refused, or null: it must be https (plain http only to loopback when the policy
 * allows), carry no credentials, and every address its host resolves to must be public.
 */
export function urlProblem(url: string, addresses: readonly string[], policy: UrlPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.username || parsed.password) return 'a URL may not carry a user name or password';
  const loopbackHttp =
    policy.allowLoopbackHttp &&
    parsed.protocol === 'http:' &&
    addresses.length > 0 &&
    addresses.every((a) => ipaddr.isValid(a) && ipaddr.process(a).range() === 'loopback');
  if (parsed.protocol !== 'https:' && !loopbackHttp) return 'only https URLs are accepted';
  if (addresses.length === 0) return `${parsed.hostname} does not resolve`;
  // An address written in the URL is its own answer: "10.0.0.1 is a private address".
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const literal = ipaddr.isValid(host);
  for (const address of addresses) {
    const problem = addressProblem(address, policy);
    if (problem) return literal ? problem : `${parsed.hostname} resolves to ${problem}`;
  }
  return null;
}
