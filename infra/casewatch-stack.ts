import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CasewatchApi } from './constructs/api.ts';
import { AttachmentStore } from './constructs/attachment-store.ts';
import { CaseStore } from './constructs/case-store.ts';
import { Identity } from './constructs/identity.ts';
import { Timers } from './constructs/timers.ts';

/** Context key: comma-separated browser origins for API and attachment CORS (`*` when unset). */
export const ALLOWED_ORIGINS_CONTEXT = 'casewatch:allowedOrigins';
/** Context key: the address internal notices are sent from (a verified SES address or domain). */
export const SENDER_ADDRESS_CONTEXT = 'casewatch:senderAddress';
/** Context key: support leads' addresses, comma-separated (or a list), for breach and at-risk notices. */
export const LEADS_EMAIL_CONTEXT = 'casewatch:leadsEmail';
/** The sender when the context sets none: a placeholder domain, so nothing real is sent by accident. */
export const DEFAULT_SENDER_ADDRESS = 'casewatch@example.com';

/**
 * The whole casewatch backend in one env-agnostic stack. Stateful constructs (data, identities, keys)
 * are retained and built first; the stateless API is built on top of them and may be replaced freely.
 * Timers (stream reaction, schedules, timer queue) are stateless too; mail and observability arrive as
 * constructs of their own.
 */
export class CasewatchStack extends Stack {
  public readonly store: CaseStore;
  public readonly identity: Identity;
  public readonly attachments: AttachmentStore;
  public readonly api: CasewatchApi;
  public readonly timers: Timers;

  public constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'casewatch: serverless support-case backend (cases, SLA timers, email, surveys)',
      ...props,
    });
    const allowedOrigins = parseOrigins(this.node.tryGetContext(ALLOWED_ORIGINS_CONTEXT));
    const senderAddress = parseSenderAddress(this.node.tryGetContext(SENDER_ADDRESS_CONTEXT));
    const leadsEmail = parseAddressList(this.node.tryGetContext(LEADS_EMAIL_CONTEXT));

    // Stateful
    this.store = new CaseStore(this, 'Store');
    this.identity = new Identity(this, 'Identity');
    this.attachments = new AttachmentStore(this, 'Attachments', { allowedOrigins });

    // Stateless
    this.api = new CasewatchApi(this, 'Api', {
      table: this.store.table,
      indexArns: this.store.indexArns,
      userPoolIssuer: this.identity.issuer,
      userPoolJwksUrl: this.identity.jwksUrl,
      userPoolClientId: this.identity.userPoolClient.userPoolClientId,
      signingSecret: this.identity.signingSecret,
      attachmentsBucket: this.attachments.bucket,
      allowedOrigins,
    });
    this.timers = new Timers(this, 'Timers', { table: this.store.table, senderAddress, leadsEmail });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the casewatch API' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.store.table.tableName });
  }
}

function parseOrigins(value: unknown): string[] {
  if (value === undefined) return ['*'];
  const origins = (Array.isArray(value) ? value.map(String) : String(value).split(','))
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
  return origins.length > 0 ? origins : ['*'];
}

/** A bare address (`name@domain`): it names the SES identities the stream function may send as. */
function parseSenderAddress(value: unknown): string {
  if (value === undefined || value === '') return DEFAULT_SENDER_ADDRESS;
  const address = String(value).trim();
  if (!/^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/.test(address)) {
    throw new Error(`${SENDER_ADDRESS_CONTEXT} must be a bare email address (name@domain), got "${address}"`);
  }
  return address;
}

/** Addresses as the stream function reads them: comma-separated, trimmed, empty when unset. */
function parseAddressList(value: unknown): string {
  if (value === undefined) return '';
  return (Array.isArray(value) ? value.map(String) : String(value).split(','))
    .map((address) => address.trim())
    .filter((address) => address.length > 0)
    .join(',');
}
