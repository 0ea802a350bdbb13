import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressProblem, type UrlPolicy } from '../../domain/webhook-url.ts';
import type { HostResolver, WebhookTransport } from '../../ports/webhooks.ts';

/** Every address a host resolves to (A and AAAA), by the system resolver. */
export const systemResolver: HostResolver = {
  addresses: (host) =>
    new Promise((ok) =>
      dnsLookup(host, { all: true }, (error, found) => ok(error ? [] : found.map((a) => a.address))),
    ),
};

/**
 * Posts over node's own http/https with a lookup that refuses a forbidden address as the connection is
 * made (docs/integrations.md#urls): the address checked is the one connected to, so a host that
 * resolved to a public address at registration and to 169.254.169.254 now (DNS rebinding) is refused.
 * No redirects are followed (a 3xx is a failed delivery), and the receiver has `timeoutMs` in all to send
 * its status line; its body is never read.
 */
export function createWebhookTransport(policy: UrlPolicy, timeoutMs: number): WebhookTransport {
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = Array.isArray(found) ? found : [];
      for (const a of addresses) {
        const problem = addressProblem(a.address, policy);
        if (problem) return callback(new Error(`refused: ${hostname} resolves to ${problem}`), '', 0);
      }
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} does not resolve`), '', 0);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: unknown) => void)(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
  return {
    post: (url, body, headers) =>
      new Promise((ok) => {
        let target: URL;
        try {
          target = new URL(url);
        } catch {
          return ok({ error: 'not a URL' });
        }
        // Node does not look up an IP literal, so the lookup guard would never see it: checked here.
        const literal = target.hostname.replace(/^\[|\]$/g, '');
        if (isIP(literal)) {
          const problem = addressProblem(literal, policy);
          if (problem) return ok({ error: `refused: ${problem}` });
        }
        const send =
          target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : null;
        if (!send) return ok({ error: 'not an http(s) URL' });
        if (target.protocol === 'http:' && !policy.allowLoopbackHttp)
          return ok({ error: 'only https URLs are accepted' });
        const req = send(
          target,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
            lookup: guardedLookup,
            timeout: timeoutMs,
          },
          // The status is the answer; the body is not read (a receiver cannot hold us by trickling it).
          (res) => {
            ok({ status: res.statusCode ?? 0 });
            res.destroy();
          },
        );
        // `timeout` above only notices a silent socket; this bounds the whole exchange, so a receiver
        // that trickles its answer a byte at a time is cut off too.
        const deadline = setTimeout(
          () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
        req.on('close', () => clearTimeout(deadline));
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (error) => ok({ error: error.message }));
        req.end(body);
      }),
  };
}
