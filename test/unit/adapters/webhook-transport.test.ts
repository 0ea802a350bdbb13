import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookTransport } from '../../../shared/adapters/webhooks/transport.ts';

/* The webhook HTTP client against a receiver on loopback (docs/integrations.md#urls). */

let server: Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end(), 1_500);
    if (req.url === '/trickle') {
      res.writeHead(200);
      const tick = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(tick));
      return;
    }
    res.writeHead(req.url === '/fail' ? 500 : 204).end();
  });
  server.on('connection', () => connections++);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const local = createWebhookTransport({ allowLoopbackHttp: true }, 500);
const aws = createWebhookTransport({ allowLoopbackHttp: false }, 500);

describe('the webhook transport', () => {
  it('answers the receiver’s status', async () => {
    expect(await local.post(`http://127.0.0.1:${port}/ok`, '{}', {})).toEqual({ status: 204 });
    expect(await local.post(`http://127.0.0.1:${port}/fail`, '{}', {})).toEqual({ status: 500 });
  });

  it('gives a receiver the timeout in all to answer, however it trickles', async () => {
    const started = Date.now();
    expect(await local.post(`http://127.0.0.1:${port}/slow`, '{}', {})).toEqual({
      error: 'no answer within 500 ms',
    });
    expect(Date.now() - started).toBeLessThan(1_400);
    // A status line in time is an answer; a body dribbled after it is not waited for.
    expect(await local.post(`http://127.0.0.1:${port}/trickle`, '{}', {})).toEqual({ status: 200 });
  });

  it('in AWS never connects to a loopback or private IP literal, nor to plain http', async () => {
    const before = connections;
    for (const host of [
      `127.0.0.1:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      '10.0.0.1',
      '[fd00::1]',
      '169.254.169.254',
    ]) {
      const answer = await aws.post(`https://${host}/x`, '{}', {});
      expect(answer, host).toMatchObject({ error: expect.stringMatching(/^refused: /) });
    }
    expect(await aws.post('http://hooks.example.com/ok', '{}', {})).toEqual({
      error: 'only https URLs are accepted',
    });
    // A name that resolves to loopback is refused at connect time, by the lookup guard.
    expect(await aws.post(`https://localhost:${port}/x`, '{}', {})).toMatchObject({
      error: expect.stringMatching(/refused: localhost resolves to .* loopback address/),
    });
    expect(connections).toBe(before);
  });
});
