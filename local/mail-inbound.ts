import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SESEvent } from 'aws-lambda';
import { SMTPServer } from 'smtp-server';
import type { InboundResult } from '../functions/mail-inbound/app.ts';
import type { IdGenerator } from '../shared/ports/ids.ts';
import type { ArchivedMail, MailArchive, SellerDirectory } from '../shared/ports/inbound-mail.ts';
import { keptAddressMap } from './kept-file.ts';

/** Largest message the local SMTP server takes (SES's own limit is 40 MB). */
const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/**
 * The local archive: raw copies in the data dir (`archive/<reason>/<id>.eml`) or in memory, and a
 * listing for `GET /_local/mail/archive`.
 */
export function createLocalMailArchive({ dataDir, ids }: { dataDir?: string | undefined; ids: IdGenerator }) {
  const entries: (ArchivedMail & { raw?: Buffer })[] = [];
  const archive: MailArchive = {
    async keep(raw, entry) {
      const kept: ArchivedMail = { id: ids.next(), ...entry };
      if (dataDir) {
        const folder = join(dataDir, 'archive', entry.reason);
        await mkdir(folder, { recursive: true });
        await writeFile(join(folder, `${kept.id}.eml`), raw);
        entries.push(kept);
      } else entries.push({ ...kept, raw });
      return kept;
    },
  };
  return { archive, list: () => entries.map(({ raw: _raw, ...entry }) => entry) };
}

/**
 * Who is a seller, locally: every address a seller token was issued to (`POST /_local/tokens`), kept
 * in the data dir so it survives a restart — the stand-in for the Cognito user pool's `custom:sellerId`.
 */
export async function createLocalSellerDirectory(dataDir: string | undefined) {
  const sellers = await keptAddressMap(dataDir, 'local-sellers.json');
  const directory: SellerDirectory = {
    sellerIdOf: async (email) => sellers.entries.get(email.toLowerCase()) ?? null,
  };
  return {
    directory,
    async remember(email: string, sellerId: string) {
      sellers.entries.set(email.toLowerCase(), sellerId);
      await sellers.save();
    },
  };
}

type InboundHandler = (event: SESEvent, context: never) => Promise<InboundResult[]>;

/**
 * Inbound mail on one machine (docs/local-runtime.md#inbound-mail-locally): `receive` plays SES — it keeps
 * the raw message where the handler will fetch it and invokes the same Lambda handler with an SES receipt
 * event. Verdicts are left to the `X-SES-*` / `Authentication-Results` headers in the message, as when SES's
 * own copy is read. The handler is built here, handed the `fetchRaw` that reads those kept messages (S3's
 * part in AWS).
 */
export function createLocalInbound(
  createHandler: (fetchRaw: (messageId: string) => Promise<Buffer>) => InboundHandler,
) {
  const raws = new Map<string, Buffer>();
  async function fetchRaw(messageId: string): Promise<Buffer> {
    const raw = raws.get(messageId);
    if (!raw) throw new Error(`no raw message ${messageId}`);
    return raw;
  }
  const handler = createHandler(fetchRaw);
  async function receive(raw: Buffer, recipients: string[] = []): Promise<InboundResult[]> {
    const messageId = `local-${randomBytes(12).toString('hex')}`;
    raws.set(messageId, raw);
    try {
      const event = {
        Records: [
          {
            eventSource: 'aws:ses',
            eventVersion: '1.0',
            ses: {
              mail: { messageId, destination: recipients, source: '', timestamp: new Date().toISOString() },
              receipt: { recipients },
            },
          },
        ],
      } as unknown as SESEvent;
      return await handler(event, {} as never);
    } finally {
      raws.delete(messageId);
    }
  }
  return { receive };
}

/** SMTP on localhost feeding `receive`; a handler failure is a temporary 451, so the sender retries. */
export async function startSmtpServer(
  port: number,
  receive: (raw: Buffer, recipients: string[]) => Promise<unknown>,
): Promise<{ port: number; stop(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    banner: 'casewatch local inbound',
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
          return;
        }
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        // As the receiving MTA (SES in AWS) does: the envelope sender on top, `<>` for a bounce.
        const mailFrom = session.envelope.mailFrom;
        const returnPath = `Return-Path: <${mailFrom === false ? '' : mailFrom.address}>\r\n`;
        receive(Buffer.concat([Buffer.from(returnPath), ...chunks]), recipients).then(
          () => callback(),
          (error: unknown) =>
            callback(Object.assign(new Error(`temporary failure: ${String(error)}`), { responseCode: 451 })),
        );
      });
    },
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const bound = (server.server.address() as AddressInfo).port;
  return {
    port: bound,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
