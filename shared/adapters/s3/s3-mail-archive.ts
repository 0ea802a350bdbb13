import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { IdGenerator } from '../../ports/ids.ts';
import type { MailArchive } from '../../ports/inbound-mail.ts';

/**
 * Quarantined and machine mail, kept as raw objects under `<prefix><reason>/<id>.eml` in the inbound
 * bucket (its lifecycle expires them), with sender and subject as object metadata for whoever looks.
 */
export function createS3MailArchive({
  client,
  bucket,
  prefix,
  ids,
}: {
  client: S3Client;
  bucket: string;
  prefix: string;
  ids: IdGenerator;
}): MailArchive {
  return {
    async keep(raw, entry) {
      const id = ids.next();
      const ascii = (s: string | null) => (s ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${prefix}${entry.reason}/${id}.eml`,
          Body: raw,
          ContentType: 'message/rfc822',
          Metadata: {
            reason: entry.reason,
            'received-at': entry.receivedAt,
            from: ascii(entry.from),
            subject: ascii(entry.subject),
          },
        }),
      );
      return { id, ...entry };
    },
  };
}
