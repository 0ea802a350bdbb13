import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createCognitoSellerDirectory } from '../../shared/adapters/cognito/seller-directory.ts';
import { createDynamoCorrespondents } from '../../shared/adapters/dynamodb/mail-addresses.ts';
import { createDynamoOnceLedger } from '../../shared/adapters/dynamodb/once-ledger.ts';
import { caseOfSignedMessageIds } from '../../shared/adapters/email/message-ids.ts';
import { parseReplyAddress } from '../../shared/adapters/email/reply-address.ts';
import { createS3BlobStore } from '../../shared/adapters/s3/s3-blob-store.ts';
import { createS3MailArchive } from '../../shared/adapters/s3/s3-mail-archive.ts';
import { deriveKey } from '../../shared/adapters/secret-keys.ts';
import { addressList } from '../../shared/domain/email/addressing.ts';
import { awsCoreDeps, documents, env, signingSecret } from '../aws-composition.ts';
import { createTokens } from '../composition.ts';
import { createHandler } from './app.ts';

const secret = await signingSecret();
const core = awsCoreDeps();
const s3 = new S3Client({});
const tableName = env('TABLE_NAME');
const inboundBucket = env('INBOUND_BUCKET');
const inboundPrefix = env('INBOUND_PREFIX');
const mailDomain = env('MAIL_DOMAIN');
const replyKey = deriveKey(secret, 'reply-address');
const messageIdKey = deriveKey(secret, 'message-id');

/** Lambda entry for SES receipt events: the raw message from the inbound bucket, cases in the table. */
export const handler = createHandler({
  ...core,
  caseTokens: createTokens(secret, core.clock).caseTokens,
  blobs: createS3BlobStore({ client: s3, bucket: env('ATTACHMENTS_BUCKET'), clock: core.clock }),
  archive: createS3MailArchive({
    client: s3,
    bucket: inboundBucket,
    prefix: env('QUARANTINE_PREFIX'),
    ids: core.ids,
  }),
  sellers: createCognitoSellerDirectory({
    client: new CognitoIdentityProviderClient({}),
    userPoolId: env('USER_POOL_ID'),
  }),
  correspondents: createDynamoCorrespondents({ client: documents, tableName }),
  ledger: createDynamoOnceLedger({ client: documents, tableName }),
  mailDomain,
  senderAddress: env('SENDER_ADDRESS'),
  // Empty when the stack names no leads (the context value is optional).
  leads: addressList(process.env.LEADS_EMAIL ?? ''),
  caseOfReplyAddress: (address) => parseReplyAddress(address, replyKey, mailDomain),
  caseOfMessageIds: (ids) => caseOfSignedMessageIds(ids, messageIdKey, mailDomain),
  async fetchRaw(messageId) {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: inboundBucket, Key: `${inboundPrefix}${messageId}` }),
    );
    if (!object.Body) throw new Error(`no raw message at ${inboundPrefix}${messageId}`);
    return Buffer.from(await object.Body.transformToByteArray());
  },
});
