import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CasewatchApi } from './constructs/api.ts';
import { AttachmentStore } from './constructs/attachment-store.ts';
import { CaseStore } from './constructs/case-store.ts';
import { Identity } from './constructs/identity.ts';

/** Context key: comma-separated browser origins for API and attachment CORS (`*` when unset). */
export const ALLOWED_ORIGINS_CONTEXT = 'casewatch:allowedOrigins';

/**
 * The whole casewatch backend in one env-agnostic stack. Stateful constructs (data, identities, keys)
 * are retained and built first; the stateless API is built on top of them and may be replaced freely.
 * Timers, mail and observability arrive as constructs of their own.
 */
export class CasewatchStack extends Stack {
  public readonly store: CaseStore;
  public readonly identity: Identity;
  public readonly attachments: AttachmentStore;
  public readonly api: CasewatchApi;

  public constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'casewatch: serverless support-case backend (cases, SLA timers, email, surveys)',
      ...props,
    });
    const allowedOrigins = parseOrigins(this.node.tryGetContext(ALLOWED_ORIGINS_CONTEXT));

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
