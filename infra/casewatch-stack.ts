import { Annotations, Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CasewatchApi } from './constructs/api.ts';
import { AttachmentArrivals } from './constructs/attachment-arrivals.ts';
import { AttachmentStore } from './constructs/attachment-store.ts';
import { CaseStore } from './constructs/case-store.ts';
import { DASHBOARD_NAME } from './constructs/dashboard.ts';
import { Identity } from './constructs/identity.ts';
import { Integrations } from './constructs/integrations.ts';
import { Mail } from './constructs/mail.ts';
import { MailFeedback } from './constructs/mail-feedback.ts';
import { Observability } from './constructs/observability.ts';
import { PORTAL_API_PREFIX, Portal } from './constructs/portal.ts';
import { Reactions } from './constructs/reactions.ts';
import { Timers } from './constructs/timers.ts';

/** Context key: comma-separated browser origins for API and attachment CORS (`*` when unset). */

/**
 * A deploy setting (a `-c casewatch:…` context value) that cannot work: the CLI entry prints its message
 * alone, without a stack trace, since it names the setting and the value to fix.
 */
export class SettingError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'SettingError';
  }
}

export const ALLOWED_ORIGINS_CONTEXT = 'casewatch:allowedOrigins';
/** Context key: the From address of casewatch mail (its domain gets an SES identity to verify). */
export const SENDER_ADDRESS_CONTEXT = 'casewatch:senderAddress';
/** Context key: support leads' addresses, comma-separated (or a list), for breach and at-risk notices. */
export const LEADS_EMAIL_CONTEXT = 'casewatch:leadsEmail';
/**
 * The sender when the context sets none: a placeholder domain, so nothing real is sent by accident. The
 * synth warns while it is in use, and refuses in production (`ENVIRONMENT_CONTEXT`).
 */
export const DEFAULT_SENDER_ADDRESS = 'casewatch@example.com';
/** Context key: the domain SES receives mail for (replies to cases, new cases by email). */
export const MAIL_DOMAIN_CONTEXT = 'casewatch:mailDomain';
/** The receiving domain when the context sets none: a placeholder, so no real mail is received (warned, refused in production). */
export const DEFAULT_MAIL_DOMAIN = 'inbound.example.com';
/** Context key: who gets alarm notifications (SNS email subscriptions), comma-separated (or a list); none when unset. */
export const ALARM_EMAIL_CONTEXT = 'casewatch:alarmEmail';
/**
 * Context key: the prefix of the hosted sign-in's Cognito domain, `<prefix>.auth.<region>.amazoncognito.com`
 * (globally unique per region; may not contain `aws`, `amazon` or `cognito`). Default: `casewatch-<account id>`.
 */
export const SIGN_IN_DOMAIN_PREFIX_CONTEXT = 'casewatch:signInDomainPrefix';
/** Context key: the portal's own domain name (with `PORTAL_CERTIFICATE_CONTEXT`); unset: its `*.cloudfront.net` address. */
export const PORTAL_DOMAIN_CONTEXT = 'casewatch:portalDomain';
/** Context key: the ACM certificate (in us-east-1) for `casewatch:portalDomain`. */
export const PORTAL_CERTIFICATE_CONTEXT = 'casewatch:portalCertificateArn';
/**
 * Context key: a WAF web ACL (CloudFront scope, from us-east-1) for the portal. Needed for a stack outside
 * us-east-1; in us-east-1 the stack makes its own (rate limits per client, AWS's bad-input and IP lists).
 */
export const PORTAL_WEB_ACL_CONTEXT = 'casewatch:portalWebAclArn';
/**
 * Context key: which origin token the distribution sends the API (docs/architecture.md#the-firewall), a
 * whole number from 1. Raise it by one to change the token: a new one is made, and the API still takes the
 * one before for that deployment.
 */
export const ORIGIN_TOKEN_GENERATION_CONTEXT = 'casewatch:originTokenGeneration';
/**
 * Context key: which deployment this is, e.g. `-c casewatch:environment=production`. With `production`,
 * the synth refuses while `casewatch:senderAddress` or `casewatch:mailDomain` is still its placeholder
 * (`DEFAULT_SENDER_ADDRESS`, `DEFAULT_MAIL_DOMAIN`): such a stack deploys, but sends nothing real and
 * receives nothing. With any other value, or none, the synth goes on with a warning naming the keys to set.
 */
export const ENVIRONMENT_CONTEXT = 'casewatch:environment';
/** The `casewatch:environment` value that refuses placeholder mail settings. */
export const PRODUCTION_ENVIRONMENT = 'production';
/** Id of the warning (a construct annotation on the stack) that placeholder mail settings raise. */
export const PLACEHOLDER_MAIL_WARNING = 'casewatch:placeholderMailSettings';

/**
 * The whole casewatch backend in one env-agnostic stack. Stateful constructs (data, identities, keys)
 * are retained and built first; the stateless API is built on top of them and may be replaced freely.
 * Timers (schedules, timer queue), reactions (what the table's stream sets off after each write:
 * timers reconciled, mail, surveys, metrics) and attachment arrivals (an upload's file recorded when S3
 * has it) are stateless too, as are integrations (the case event bus, and webhooks fed from it); mail and
 * observability arrive as constructs of their own.
 */
export class CasewatchStack extends Stack {
  public readonly store: CaseStore;
  public readonly identity: Identity;
  public readonly attachments: AttachmentStore;
  public readonly api: CasewatchApi;
  public readonly arrivals: AttachmentArrivals;
  public readonly mail: Mail;
  public readonly mailFeedback: MailFeedback;
  public readonly timers: Timers;
  public readonly reactions: Reactions;
  public readonly integrations: Integrations;
  public readonly observability: Observability;
  public readonly portal: Portal;

  public constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'casewatch: serverless support-case backend (cases, SLA timers, email, surveys)',
      ...props,
    });
    const allowedOrigins = parseOrigins(this.node.tryGetContext(ALLOWED_ORIGINS_CONTEXT));
    const senderAddress = parseSenderAddress(this.node.tryGetContext(SENDER_ADDRESS_CONTEXT));
    const leadsEmail = parseLeadsEmail(this.node.tryGetContext(LEADS_EMAIL_CONTEXT));
    const mailDomain = parseMailDomain(this.node.tryGetContext(MAIL_DOMAIN_CONTEXT));
    const alarmEmails = parseAlarmEmails(this.node.tryGetContext(ALARM_EMAIL_CONTEXT));
    this.checkMailSettings(senderAddress, mailDomain, this.node.tryGetContext(ENVIRONMENT_CONTEXT));

    // Stateful
    this.store = new CaseStore(this, 'Store');
    // The portal is built after the API (it fronts it); the web client's callbacks point at it.
    let portal: Portal | undefined;
    this.identity = new Identity(this, 'Identity', {
      portalUrl: () => {
        if (!portal) throw new Error('the portal is built before the stack is synthesized');
        return portal.url;
      },
      signInDomainPrefix: String(
        this.node.tryGetContext(SIGN_IN_DOMAIN_PREFIX_CONTEXT) ?? `casewatch-${Aws.ACCOUNT_ID}`,
      ),
      originTokenGeneration: parseOriginTokenGeneration(
        this.node.tryGetContext(ORIGIN_TOKEN_GENERATION_CONTEXT),
      ),
    });
    this.attachments = new AttachmentStore(this, 'Attachments', { allowedOrigins });

    // Stateless
    this.api = new CasewatchApi(this, 'Api', {
      table: this.store.table,
      indexArns: this.store.indexArns,
      userPool: this.identity.userPool,
      acceptedOriginTokens: this.identity.acceptedOriginTokens,
      userPoolIssuer: this.identity.issuer,
      userPoolJwksUrl: this.identity.jwksUrl,
      userPoolClientId: this.identity.userPoolClient.userPoolClientId,
      signingSecret: this.identity.signingSecret,
      attachmentsBucket: this.attachments.bucket,
      allowedOrigins,
      dashboardName: DASHBOARD_NAME,
    });
    portal = new Portal(this, 'Portal', {
      httpApi: this.api.httpApi,
      originToken: this.identity.originToken,
      customDomain: parsePortalDomain(
        this.node.tryGetContext(PORTAL_DOMAIN_CONTEXT),
        this.node.tryGetContext(PORTAL_CERTIFICATE_CONTEXT),
      ),
      webAclArn: parseWebAclArn(this.node.tryGetContext(PORTAL_WEB_ACL_CONTEXT)),
      accessLogsBucket: this.attachments.accessLogsBucket,
      signIn: {
        issuer: this.identity.issuer,
        clientId: this.identity.userPoolClient.userPoolClientId,
        domainUrl: this.identity.signInDomain.baseUrl(),
      },
    });
    this.portal = portal;
    this.arrivals = new AttachmentArrivals(this, 'AttachmentArrivals', {
      table: this.store.table,
      bucket: this.attachments.bucket,
    });
    this.mail = new Mail(this, 'Mail', {
      table: this.store.table,
      mailDomain,
      senderAddress,
      signingSecret: this.identity.signingSecret,
      userPool: this.identity.userPool,
      attachmentsBucket: this.attachments.bucket,
      accessLogsBucket: this.attachments.accessLogsBucket,
      leadsEmail,
    });
    this.mailFeedback = new MailFeedback(this, 'MailFeedback', {
      table: this.store.table,
      configurationSet: this.mail.configurationSet,
      mailDomain,
    });
    this.timers = new Timers(this, 'Timers', { table: this.store.table });
    // Built before the reactions: the stream function publishes on its bus.
    this.integrations = new Integrations(this, 'Integrations', {
      table: this.store.table,
      signingSecret: this.identity.signingSecret,
      mail: this.mail,
      leadsEmail,
    });
    this.reactions = new Reactions(this, 'Reactions', {
      table: this.store.table,
      timers: this.timers,
      mail: this.mail,
      signingSecret: this.identity.signingSecret,
      portalUrl: portal.url,
      leadsEmail,
      eventBus: this.integrations.eventBus,
    });
    this.observability = new Observability(this, 'Observability', {
      httpApi: this.api.httpApi,
      functions: [
        ...Object.values(this.api.functions),
        this.reactions.streamFunction,
        this.timers.timerFunction,
        this.mail.inboundFunction,
        this.mailFeedback.feedbackFunction,
        this.arrivals.arrivalFunction,
        this.integrations.senderFunction,
      ],
      streamFunction: this.reactions.streamFunction,
      deadLetterQueues: [
        { label: 'Timer dead-letter queue', queue: this.timers.deadLetterQueue },
        { label: 'Stream failure queue', queue: this.reactions.streamFailureQueue },
        { label: 'Inbound mail dead-letter queue', queue: this.mail.deadLetterQueue },
        { label: 'Mail feedback dead-letter queue', queue: this.mailFeedback.deadLetterQueue },
        { label: 'Attachment arrivals dead-letter queue', queue: this.arrivals.deadLetterQueue },
        { label: 'Webhook dead-letter queue', queue: this.integrations.deadLetterQueue },
      ],
      alarms: [
        ...this.timers.alarms,
        ...this.reactions.alarms,
        ...this.mail.alarms,
        ...this.mailFeedback.alarms,
        ...this.arrivals.alarms,
        ...this.integrations.alarms,
      ],
      alarmEmails,
      dashboardName: DASHBOARD_NAME,
    });

    new CfnOutput(this, 'PortalUrl', { value: this.portal.url, description: 'The casewatch portal' });
    // The API's public address is the distribution's /api/*, behind the firewall; API Gateway's own URL
    // refuses requests that did not come that way (docs/architecture.md#the-firewall).
    new CfnOutput(this, 'ApiUrl', {
      value: `${this.portal.url}${PORTAL_API_PREFIX}`,
      description: 'Base URL of the casewatch API (through the portal distribution and its firewall)',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.store.table.tableName });
  }

  /**
   * Placeholder mail settings fail loudly: a production synth refuses them (before anything is built), any
   * other gets a warning that names the context keys still to set.
   */
  private checkMailSettings(senderAddress: string, mailDomain: string, environment: unknown): void {
    const placeholders = [
      ...(senderAddress === DEFAULT_SENDER_ADDRESS ? [`${SENDER_ADDRESS_CONTEXT} (${senderAddress})`] : []),
      ...(mailDomain === DEFAULT_MAIL_DOMAIN ? [`${MAIL_DOMAIN_CONTEXT} (${mailDomain})`] : []),
    ];
    if (placeholders.length === 0) return;
    const still = `${placeholders.join(' and ')} ${placeholders.length > 1 ? 'are still placeholders' : 'is still a placeholder'}`;
    if (parseEnvironment(environment) === PRODUCTION_ENVIRONMENT) {
      throw new SettingError(
        `${ENVIRONMENT_CONTEXT} is ${PRODUCTION_ENVIRONMENT} but ${still}: set ${placeholders.length > 1 ? 'them' : 'it'} in cdk.json's context or with -c before deploying.`,
      );
    }
    Annotations.of(this).addWarningV2(
      PLACEHOLDER_MAIL_WARNING,
      `${still}: casewatch would send no real mail and receive none. Set ${SENDER_ADDRESS_CONTEXT} and ${MAIL_DOMAIN_CONTEXT} (cdk.json context or -c) before deploying; with ${ENVIRONMENT_CONTEXT}=${PRODUCTION_ENVIRONMENT} this refuses to synthesize.`,
    );
  }
}

/** The deployment name, trimmed and lower-cased (`Production` is production too); `''` when unset. */
function parseEnvironment(value: unknown): string {
  return value === undefined ? '' : String(value).trim().toLowerCase();
}

/** A bare address (`name@domain`): no display name, brackets, quotes or list separators. */
const BARE_ADDRESS = /^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/;

/** A context list: comma-separated (or a list), each entry trimmed, empty ones dropped; `[]` when unset. */
function parseList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.map(String) : String(value).split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/**
 * Browser origins for CORS, or `*` alone (the default). An origin is what a browser sends in `Origin`:
 * `https://host` or `http://host`, a port only when not the default, lower case, no path and no trailing
 * slash. API Gateway and S3 compare it as a string, so anything else would match no browser, silently.
 */
function parseOrigins(value: unknown): string[] {
  const origins = parseList(value);
  if (origins.length === 0) return ['*'];
  if (origins.includes('*')) {
    if (origins.length > 1)
      throw new SettingError(
        `${ALLOWED_ORIGINS_CONTEXT} is either * (every origin) or a list of origins, not both, got "${origins.join(',')}"`,
      );
    return origins;
  }
  for (const origin of origins) {
    const meant = browserOrigin(origin);
    if (meant !== origin) {
      throw new SettingError(
        `${ALLOWED_ORIGINS_CONTEXT} must list browser origins such as https://portal.example.com (scheme and host, a port if not the default; no path, no trailing slash), or be *, got "${origin}"${meant ? ` (did you mean "${meant}"?)` : ''}`,
      );
    }
  }
  return origins;
}

/** The origin a browser sends for a page at `url` (an http or https URL), or null for anything else. */
function browserOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** A bare address: it names the SES identities the stream function may send as. */
function parseSenderAddress(value: unknown): string {
  if (value === undefined || value === '') return DEFAULT_SENDER_ADDRESS;
  const address = String(value).trim();
  if (!BARE_ADDRESS.test(address)) {
    throw new SettingError(
      `${SENDER_ADDRESS_CONTEXT} must be a bare email address (name@domain), got "${address}"`,
    );
  }
  return address;
}

/** Bare addresses (`name@domain`), comma-separated (or a list); `[]` when unset. `key` names the setting. */
function parseBareAddresses(key: string, value: unknown): string[] {
  const addresses = parseList(value);
  for (const address of addresses) {
    if (!BARE_ADDRESS.test(address)) {
      throw new SettingError(
        `${key} must list bare email addresses (name@domain), separated by commas, got "${address}"`,
      );
    }
  }
  return addresses;
}

/** The leads' addresses as the functions read them (`LEADS_EMAIL`): comma-separated, empty when unset. */
function parseLeadsEmail(value: unknown): string {
  return parseBareAddresses(LEADS_EMAIL_CONTEXT, value).join(',');
}

/** A bare domain name (`mail.example.com`), lower-cased: SES receives mail for it. */
function parseMailDomain(value: unknown): string {
  if (value === undefined || value === '') return DEFAULT_MAIL_DOMAIN;
  const domain = String(value).trim().toLowerCase();
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain)) {
    throw new SettingError(
      `${MAIL_DOMAIN_CONTEXT} must be a domain name (e.g. support.example.com), got "${domain}"`,
    );
  }
  return domain;
}

/** Alarm subscribers: bare addresses, comma-separated (or a list); an empty list when unset. */
function parseAlarmEmails(value: unknown): string[] {
  return parseBareAddresses(ALARM_EMAIL_CONTEXT, value);
}

/** The portal's custom domain: both context values, or neither (then its `*.cloudfront.net` address). */
export function parsePortalDomain(
  domainName: unknown,
  certificateArn: unknown,
): { domainName: string; certificateArn: string } | undefined {
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (typeof domainName !== 'string' || !/^([a-z0-9-]+\.)+[a-z]{2,}$/i.test(domainName))
    throw new SettingError(
      `${PORTAL_DOMAIN_CONTEXT} must be a domain name such as support.example.com, with ${PORTAL_CERTIFICATE_CONTEXT}, got ${shown(domainName)}`,
    );
  if (
    typeof certificateArn !== 'string' ||
    !/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)
  )
    throw new SettingError(
      `${PORTAL_CERTIFICATE_CONTEXT} must be the ARN of an ACM certificate in us-east-1 (CloudFront's region) for ${domainName}, got ${shown(certificateArn)}`,
    );
  return { domainName, certificateArn };
}

/** A CloudFront-scope WAF web ACL's ARN (they live in us-east-1), or none. */
export function parseWebAclArn(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    !/^arn:aws[\w-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(value)
  )
    throw new SettingError(
      `${PORTAL_WEB_ACL_CONTEXT} must be the ARN of a CloudFront-scope (global) WAF web ACL in us-east-1, got ${shown(value)}`,
    );
  return value;
}

/** Which origin token is current: a whole number from 1 (a number or its digits, as `-c` passes it). */
export function parseOriginTokenGeneration(value: unknown): number {
  if (value === undefined) return 1;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new SettingError(
      `${ORIGIN_TOKEN_GENERATION_CONTEXT} must be a whole number from 1 (raise it by one to change the token), got ${shown(value)}`,
    );
  return n;
}

/** A context value as a refusal quotes it; a missing one says so. */
function shown(value: unknown): string {
  return value === undefined ? 'nothing' : `"${String(value)}"`;
}
