import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/** One request a webhook receiver got, its body as it arrived (signatures are over the raw bytes). */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>`, set once the receiver listens (the local runtime allows loopback http). */
  base: string;
  received: Received[];
}

/**
 * A webhook receiver on loopback for the whole test file: it records every request and answers 500 on
 * paths starting `/broken`, 200 elsewhere.
 */
export function useWebhookReceiver(): Receiver {
  const receiver: Receiver = { base: '', received: [] };
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        receiver.received.push({
          method: req.method ?? '',
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(path.startsWith('/broken') ? 500 : 200).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    receiver.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
  return receiver;
}
