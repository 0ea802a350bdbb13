import { ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  EmailIdentity,
  Identity,
  type IReceiptRuleAction,
  type ReceiptRule,
  ReceiptRuleSet,
  SuppressionReasons,
  TlsPolicy,
} from 'aws-cdk-lib/aws-ses';
import { Lambda as LambdaAction, LambdaInvocationType } from 'aws-cdk-lib/aws-ses-actions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ATTACHMENTS_PREFIX } from './attachment-store.ts';
import { CasewatchFunction, nagObjectsWildcard } from './casewatch-function.ts';
import { endOfLineQueue, notEmptyAlarm } from './dead-letters.ts';
import { grantEscalationAnswered, grantSecretValue, grantTableItems } from './grants.ts';
import { MAIL_CHARSETS } from './lazy-modules.ts';

/** Where SES stores each received message: `<INBOUND_PREFIX><SES messageId>`, raw MIME. */
export const INBOUND_PREFIX = 'inbound/';
/** Where the inbound function keeps raw copies of mail it will not attach to a case (spam, virus, failed auth). */
export const QUARANTINE_PREFIX = 'quarantine/';
/** Raw mail is only needed until it is on its case (or replayed after a failure); quarantine is kept for review. */
export const INBOUND_RETENTION_DAYS = 30;
export const QUARANTINE_RETENTION_DAYS = 90;
/** The one rule, named so its ARN can scope SES's bucket and invoke permissions (the rule cannot refer to itself). */
export const RECEIPT_RULE_NAME = 'casewatch-inbound';

/**
 * What the inbound function calls on the table: reads the case a reply belongs to (by id, number or
 * message id, and the case's items by Query), then writes the message and its events in one transaction
 * of conditional Puts/Updates (IAM authorizes TransactWriteItems per item), and counts auto-replies per
 * sender (UpdateItem). No Scan; the only delete is `grantSentMailLedgerRelease`'s.
 */
export const INBOUND_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
] as const;

/**
 * Partition keys of the sent-mail ledger (`shared/adapters/dynamodb/sent-mail-ledger.ts`): one item per
 * mail sent or inbound message handled, whose `sending` lease a failed attempt gives back with a
 * conditional DeleteItem, so the retry need not wait for the lease to run out.
 */
export const SENT_MAIL_LEDGER_KEYS = 'MAIL#*';

/** DeleteItem on sent-mail ledger items only: nothing else in the table is ever deleted. */
export function grantSentMailLedgerRelease(fn: IFunction, table: ITable): void {
  grantTableItems(fn, table, ['dynamodb:DeleteItem'], SENT_MAIL_LEDGER_KEYS);
}

/**
 * casewatch sends raw MIME with the SES v1 API (`@aws-sdk/client-ses` SendRawEmailCommand, with a
 * ConfigurationSetName and message Tags), which is authorized as `ses:SendRawEmail` alone: against each
 * identity the From address falls under and against the configuration set named. Message tags need no
 * permission of their own (they are not resource tags).
 */
export const SEND_ACTIONS = ['ses:SendRawEmail'] as const;

/** What the stream function (which sends customer mail) is told and allowed. */
export interface MailSender {
  /** The receiving domain: reply addresses (`case+<id>.<hmac>@<domain>`) are built on it. */
  readonly mailDomain: string;
  /** The From address of every casewatch mail. */
  readonly senderAddress: string;
  readonly configurationSetName: string;
  /** Sending as the sender address only, through its identities and the configuration set. */
  grantSend(grantee: IGrantable): void;
}

export interface MailProps {
  readonly table: ITable;
  /** The domain SES receives replies and new cases for (`casewatch:mailDomain`). */
  readonly mailDomain: string;
  /** The From address of outbound mail (`casewatch:senderAddress`); its domain gets an SES identity. */
  readonly senderAddress: string;
  /** HMAC key: the inbound function verifies reply-address tokens with it. */
  readonly signingSecret: ISecret;
  /** The inbound function looks senders up here to tell sellers from consumers. */
  readonly userPool: IUserPool;
  /** Attachments of inbound mail are stored with the API's, under `cases/`. */
  readonly attachmentsBucket: IBucket;
  /** Server access logs of the inbound bucket go here. */
  readonly accessLogsBucket: IBucket;
  /** Leads' addresses, comma-separated: their replies to our notices are internal notes, not cases. */
  readonly leadsEmail: string;
}

/**
 * Email (docs/mail.md). Inbound: an SES receipt rule set whose one rule (spam and virus scan on, TLS
 * required) stores each message for the mail domain in the inbound bucket, then invokes the inbound function
 * with the receipt verdicts. Outbound: SES identities for the sender's and the mail domain, and a
 * configuration set (reputation metrics, account suppression of bounces and complaints) every send goes
 * through; its bounces and complaints are published to casewatch by `MailFeedback`.
 *
 * SES activates one receipt rule set per account and region, and only by hand (see the README); so does
 * domain verification (DNS). The bucket and its mail are retained; the rest is stateless.
 */
export class Mail extends Construct implements MailSender {
  public readonly mailDomain: string;
  public readonly senderAddress: string;
  /** Raw inbound mail (`inbound/`) and quarantined copies (`quarantine/`). */
  public readonly inboundBucket: Bucket;
  public readonly ruleSet: ReceiptRuleSet;
  public readonly receiptRule: ReceiptRule;
  /** ARN of the receipt rule, which SES presents as `aws:SourceArn` when it writes to S3 or invokes Lambda. */
  public readonly receiptRuleArn: string;
  /** The domain identities: the mail domain's (receiving needs it verified) and the sender's, if different. */
  public readonly identities: EmailIdentity[];
  /** The identity of the sender address's domain (one of `identities`). */
  public readonly senderIdentity: EmailIdentity;
  public readonly configurationSet: ConfigurationSet;
  /** Turns each stored message into a case message, a new case, or a quarantined copy. */
  public readonly inboundFunction: CasewatchFunction;
  /** Receipt events the inbound function failed on after Lambda's retries (the raw mail stays in S3). */
  public readonly deadLetterQueue: Queue;
  /** Alarms without actions; the observability construct adds its topic to each. */
  public readonly alarms: Alarm[] = [];

  public constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.mailDomain = props.mailDomain;
    this.senderAddress = props.senderAddress;
    const stack = Stack.of(this);

    this.inboundBucket = new Bucket(this, 'InboundBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'inbound-mail/',
      // A message deleted by hand (or overwritten) stays restorable until its retention would end anyway.
      versioned: true,
      lifecycleRules: [
        { id: 'expire-inbound', prefix: INBOUND_PREFIX, expiration: Duration.days(INBOUND_RETENTION_DAYS) },
        {
          id: 'expire-quarantine',
          prefix: QUARANTINE_PREFIX,
          expiration: Duration.days(QUARANTINE_RETENTION_DAYS),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Expiry only leaves a delete marker in a versioned bucket: remove the old version a day later, so
        // raw mail is not kept past its retention, and then the marker.
        {
          id: 'remove-expired-versions',
          noncurrentVersionExpiration: Duration.days(1),
          expiredObjectDeleteMarker: true,
        },
      ],
      // Mail is evidence of what a customer wrote; it expires by lifecycle, not with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.inboundBucket).acknowledge(
      {
        id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
        reason:
          'Raw mail is encrypted at rest with SSE-S3 (AES-256), which SES can write with the bucket policy alone. SES can only write under SSE-KMS with a customer-managed key whose policy lets SES use it (not the AWS-managed aws/s3 key), adding a key, its policy and a KMS request per message for control casewatch does not use.',
      },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        reason:
          'Raw mail is customers’ personal data, kept only 30 days (quarantine 90) and erasable on request; Object Lock (write once, read many) exists to forbid deleting it. Versioning already keeps a message deleted by hand restorable until its retention ends.',
      },
      {
        id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
        reason:
          'SES itself invokes the inbound function once it has stored a message (the receipt rule Lambda action, with the spam, virus and authentication verdicts an S3 event would not carry); the function writes quarantine copies itself. An S3 notification would be a second, verdict-less trigger for the same mail.',
      },
    );

    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet');
    this.receiptRuleArn = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${this.ruleSet.receiptRuleSetName}:receipt-rule/${RECEIPT_RULE_NAME}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    this.deadLetterQueue = endOfLineQueue(
      this,
      'InboundDeadLetterQueue',
      'The dead-letter queue of the inbound mail function (SES invokes it asynchronously): the end of the line, alarmed when not empty; each message names an SES message id whose raw mail is still in the inbound bucket to replay.',
    );
    this.inboundFunction = this.createInboundFunction(props);

    this.receiptRule = this.ruleSet.addRule('Inbound', {
      receiptRuleName: RECEIPT_RULE_NAME,
      recipients: [props.mailDomain],
      // The verdicts (spam, virus, SPF, DKIM, DMARC) reach the function, which quarantines failures.
      scanEnabled: true,
      tlsPolicy: TlsPolicy.REQUIRE,
      actions: [
        this.storeRawMessage(),
        new LambdaAction({ function: this.inboundFunction, invocationType: LambdaInvocationType.EVENT }),
      ],
    });
    // SES checks it may write to the bucket when the rule is created.
    const bucketPolicy = this.inboundBucket.policy;
    if (bucketPolicy === undefined) throw new Error(`${this.inboundBucket.node.path} has no policy`);
    this.receiptRule.node.addDependency(bucketPolicy);

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      // Addresses that bounce or complain are not mailed again: it protects the sending reputation.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    const mailIdentity = this.domainIdentity('MailDomainIdentity', props.mailDomain);
    const senderDomain = domainOf(props.senderAddress).toLowerCase();
    this.senderIdentity =
      senderDomain === props.mailDomain ? mailIdentity : this.domainIdentity('SenderIdentity', senderDomain);
    this.identities = [...new Set([mailIdentity, this.senderIdentity])];

    this.alarms.push(
      notEmptyAlarm(
        this,
        'InboundDeadLetterAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
        'casewatch mail: an inbound mail could not be processed and is parked in the inbound dead-letter queue (no case message or case was created for it). Its raw MIME stays in the inbound bucket under inbound/<messageId> for 30 days; fix and replay.',
      ),
    );

    new CfnOutput(this, 'ReceiptRuleSetName', {
      value: this.ruleSet.receiptRuleSetName,
      description:
        'SES receipt rule set for inbound mail. Not active until activated by hand: aws ses set-active-receipt-rule-set --rule-set-name <this>',
    });
    new CfnOutput(this, 'ConfigurationSetName', {
      value: this.configurationSet.configurationSetName,
      description: 'SES configuration set every casewatch mail is sent through',
    });
    new CfnOutput(this, 'InboundBucketName', { value: this.inboundBucket.bucketName });
    for (const identity of this.identities) {
      new CfnOutput(this, `${identity.node.id}DkimRecords`, {
        value: identity.dkimRecords.map((r) => `${r.name} CNAME ${r.value}`).join(' ; '),
        description: `DNS records that verify ${identity === mailIdentity ? props.mailDomain : senderDomain} (Easy DKIM)`,
      });
    }
  }

  public get configurationSetName(): string {
    return this.configurationSet.configurationSetName;
  }

  /** `arn:<partition>:ses:<region>:<account>:configuration-set/<name>`. */
  public get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSetName,
    });
  }

  /**
   * `ses:SendRawEmail` through the sender's identities (the address itself, should it be verified on its
   * own, and its domain) and the configuration set, and only with the sender as From address
   * (`ses:FromAddress`): a verified domain does not let the function send as anyone else at it.
   */
  public grantSend(grantee: IGrantable): void {
    const addressIdentityArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: this.senderAddress,
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...SEND_ACTIONS],
        resources: [addressIdentityArn, this.senderIdentity.emailIdentityArn, this.configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': this.senderAddress } },
      }),
    );
  }

  private createInboundFunction(props: MailProps): CasewatchFunction {
    const fn = new CasewatchFunction(this, 'Inbound', {
      entry: 'functions/mail-inbound/handler.ts',
      description: 'casewatch mail: turns mail received by SES into case messages, new cases or quarantine',
      // Charset tables load from beside the bundle when a mail needs them, not at every cold start.
      lazyModules: MAIL_CHARSETS,
      // A raw message can be up to 40 MB, parsed in memory with its attachments.
      memorySize: 1024,
      timeout: Duration.seconds(60),
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        TABLE_NAME: props.table.tableName,
        INBOUND_BUCKET: this.inboundBucket.bucketName,
        INBOUND_PREFIX,
        QUARANTINE_PREFIX,
        ATTACHMENTS_BUCKET: props.attachmentsBucket.bucketName,
        MAIL_DOMAIN: props.mailDomain,
        SENDER_ADDRESS: props.senderAddress,
        LEADS_EMAIL: props.leadsEmail,
        CASEWATCH_SECRET_ARN: props.signingSecret.secretArn,
        USER_POOL_ID: props.userPool.userPoolId,
      },
    });
    grantTableItems(fn, props.table, INBOUND_TABLE_ACTIONS);
    // A reply settles its case first: an auto-close due by then answers (deletes) a waiting escalation.
    grantEscalationAnswered(fn, props.table);
    // A message is claimed in the sent-mail ledger while it is handled, and released if that fails.
    grantSentMailLedgerRelease(fn, props.table);
    grantSecretValue(fn, props.signingSecret);
    // Is the sender a seller? (by email, in the one casewatch pool).
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['cognito-idp:ListUsers'],
        resources: [props.userPool.userPoolArn],
      }),
    );

    // Object keys are SES message ids and per-case attachment keys, known only at run time: prefix wildcards.
    const findings: [bucket: IBucket, prefix: string, what: string][] = [
      [
        this.inboundBucket,
        INBOUND_PREFIX,
        'GetObject of raw mail SES stored under inbound/, keyed by SES message id',
      ],
      [this.inboundBucket, QUARANTINE_PREFIX, 'PutObject of quarantined raw copies under quarantine/'],
      [
        props.attachmentsBucket,
        ATTACHMENTS_PREFIX,
        'PutObject of inbound attachments under cases/, keyed by case and attachment id',
      ],
    ];
    fn.addWildcardPolicy(
      'MailObjects',
      [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:GetObject'],
          resources: [this.inboundBucket.arnForObjects(`${INBOUND_PREFIX}*`)],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:PutObject'],
          resources: [
            this.inboundBucket.arnForObjects(`${QUARANTINE_PREFIX}*`),
            props.attachmentsBucket.arnForObjects(`${ATTACHMENTS_PREFIX}*`),
          ],
        }),
      ],
      findings.map(([bucket, prefix, what]) => ({
        resource: nagObjectsWildcard(bucket, prefix),
        reason: `${what}: the keys exist only at run time, so one prefix is granted, with that one action, chosen by the handler and never by the sender.`,
      })),
    );

    // SES may invoke the function for this rule only (the Lambda action reuses a permission named AllowSes).
    fn.addPermission('AllowSes', {
      action: 'lambda:InvokeFunction',
      principal: new ServicePrincipal('ses.amazonaws.com'),
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: this.receiptRuleArn,
    });
    Validations.of(fn.node.findChild('AllowSes')).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
      reason:
        'Not public: SES may invoke the function only with SourceAccount this account and SourceArn this receipt rule. The rule only accepts them as literal strings or a plain Ref/GetAtt; in this env-agnostic stack they are the AWS::AccountId pseudo parameter and an Fn::Join, so the rule cannot see them.',
    });
    return fn;
  }

  /**
   * The S3 action, with the bucket permission SES's documentation asks for: PutObject under `inbound/`,
   * for this account's rule only. aws-ses-actions' S3 action would add its own statement conditioned on the
   * account alone, which would let any receipt rule of the account write here (aws/aws-cdk#29811).
   */
  private storeRawMessage(): IReceiptRuleAction {
    this.inboundBucket.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.inboundBucket.arnForObjects(`${INBOUND_PREFIX}*`)],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': this.receiptRuleArn },
        },
      }),
    );
    return {
      bind: () => ({
        s3Action: { bucketName: this.inboundBucket.bucketName, objectKeyPrefix: INBOUND_PREFIX },
      }),
    };
  }

  /** A domain identity with Easy DKIM, sending through the configuration set unless told otherwise. */
  private domainIdentity(id: string, domain: string): EmailIdentity {
    return new EmailIdentity(this, id, {
      identity: Identity.domain(domain),
      configurationSet: this.configurationSet,
    });
  }
}

/** The domain part of a bare address. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
