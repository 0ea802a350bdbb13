import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressProblem, type UrlPolicy } from '../../domain/webhook.ts';
import type { HostResolver, WebhookTransport } from '../../ports/webhooks.ts';

/** Every address a host resolves to (A and AAAA), by the system resolver. */
export const systemResolver: HostResolver = {
  addresses: (host) =>
    new Promise((ok) =>
      dnsLookup(host, { all: true }, (error, found) => ok(error ? [] : found.map((a) => a.address))),
    ),
};

/** Bodies we read back from a receiver: its status matters, its words only as far as a log line. */
const MAX_ANSWER_BYTES = 4096;

/**
 * Posts over node's own http/https with a lookup that refuses a forbidden address as the connection is
 * made (docs/integrations.md#urls): the address checked is the one connected to, so a host that
 * resolved to a public address at registration and to 169.254.169.254 now (DNS rebinding) is refused.
 * No redirects are followed (a 3xx is a failed delivery), and the receiver has `timeoutMs` to answer.
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
          (res) => {
            let read = 0;
            res.on('data', (chunk: Buffer) => {
              read += chunk.length;
              if (read > MAX_ANSWER_BYTES) res.destroy();
            });
            res.on('close', () => ok({ status: res.statusCode ?? 0 }));
            res.on('error', () => ok({ status: res.statusCode ?? 0 }));
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (error) => ok({ error: error.message }));
        req.end(body);
      }),
  };
}
