import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { composeMime, type MimeMail } from './mime.ts';

export interface OutboundMail extends MimeMail {
  /** SES message tags, e.g. `{ casewatch: 'acknowledgment' }` (letters, digits, `_`, `-` only). */
  tags?: Record<string, string>;
}

/**
 * Sends one composed mail. Not idempotent by itself: the stream reaction that derives mail from
 * timeline events records what it sent (by Message-ID) so a redelivered event sends nothing twice.
 */
export interface Mailer {
  send(mail: OutboundMail): Promise<{ providerMessageId: string | null }>;
}

export interface SesMailerOptions {
  client: SESClient;
  configurationSetName?: string | undefined;
}

const TAG_SAFE = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 256);

/**
 * The `Mailer` over SES (`SendRawEmail`): raw MIME (text + HTML, threading headers, reply address) in
 * one call, through the configuration set so bounces and complaints are tracked.
 */
export function createSesMailer({ client, configurationSetName }: SesMailerOptions): Mailer {
  return {
    async send(mail) {
      const data = await composeMime(mail);
      const to = typeof mail.to === 'string' ? [mail.to] : mail.to;
      const tags = Object.entries(mail.tags ?? {}).map(([Name, Value]) => ({
        Name: TAG_SAFE(Name),
        Value: TAG_SAFE(Value),
      }));
      const out = await client.send(
        new SendRawEmailCommand({
          Source: mail.from,
          Destinations: to,
          RawMessage: { Data: new Uint8Array(data) },
          ...(tags.length > 0 ? { Tags: tags } : {}),
          ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
        }),
      );
      return { providerMessageId: out.MessageId ?? null };
    },
  };
}
