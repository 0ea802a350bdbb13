import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/domain/case-events.ts';
import { CasewatchFunction } from './casewatch-function.ts';
import { endOfLineQueue, notEmptyAlarm } from './dead-letters.ts';
import { grantSecretValue, grantTableItems } from './grants.ts';
import type { MailSender } from './mail.ts';

/** The partition every registered webhook is an item of (`shared/adapters/dynamodb/webhook-store.ts`). */
export const WEBHOOKS_PARTITION = 'WEBHOOKS';
/** The partitions of the webhooks' delivery logs, one per webhook (`WEBHOOK#<id>`), as an IAM pattern. */
export const WEBHOOK_LOG_PARTITIONS = 'WEBHOOK#*';

/**
 * How long EventBridge keeps retrying to put an event on the webhook queue (its default count of tries,
 * with backoff) before parking it in the dead-letter queue: a day, said here rather than left implicit.
 */
export const WEBHOOK_EVENT_MAX_AGE = Duration.hours(24);

/**
 * What the sender calls on the webhooks (`WEBHOOKS_PARTITION`): lists them per event (Query), reads one
 * per retry (GetItem), pauses one that keeps failing (a conditional UpdateItem). Nothing else there.
 */
export const SENDER_WEBHOOK_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] as const;
/** What the sender calls on the delivery logs (`WEBHOOK_LOG_PARTITIONS`): one PutItem per attempt. */
export const SENDER_LOG_ACTIONS = ['dynamodb:PutItem'] as const;

/**
 * Receivers get 10 s each (`DELIVERY_POLICY.timeoutMs`), a batch holds up to 10 messages and an event goes
 * to each webhook that wants it in turn: 60 s leaves room for several slow receivers per batch. A batch
 * that still runs out of time is received again after the visibility timeout (deliveries are idempotent
 * for receivers, which drop an event id they have seen).
 */
const SENDER_TIMEOUT = Duration.seconds(60);

/** What the sender reads and writes, and who it tells when a webhook is paused. */
export interface IntegrationsProps {
  /** The case table: the webhooks and their delivery logs are items of it. */
  readonly table: ITable;
  /** Each webhook's signing key is derived from it. */
  readonly signingSecret: ISecret;
  /** The leads are mailed (SES, the same sender and configuration set as every casewatch mail) on a pause. */
  readonly mail: MailSender;
  /** Leads' addresses, comma-separated. */
  readonly leadsEmail: string;
}

/**
 * Case events out (docs/integrations.md): the stream function publishes every timeline event on a bus of
 * the stack's own (`source: casewatch`), where other AWS consumers may add rules; one rule here puts them
 * all on the webhook queue, whose function posts each, signed, to the webhooks that want it, retrying
 * through the same queue (`DelaySeconds`) and parking what it gives up on, with what the rule and the
 * queue's redrive give up on, in one alarmed dead-letter queue. Stateless: the webhooks are table items.
 */
export class Integrations extends Construct {
  /** Every case timeline event, as the stream function publishes it. */
  public readonly eventBus: EventBus;
  /** The bus's casewatch events, to the webhook queue. */
  public readonly rule: Rule;
  /** Events from the bus, and the sender's own retries, waiting for the sender. */
  public readonly queue: Queue;
  /**
   * Deliveries given up on (every attempt failed, the webhook now paused), messages the sender could not
   * handle five times, and events the rule could not put on the queue.
   */
  public readonly deadLetterQueue: Queue;
  /** Posts events to webhooks from the webhook queue. */
  public readonly senderFunction: CasewatchFunction;
  public readonly senderMapping: EventSourceMapping;
  /** Alarms without actions; the observability construct adds its topic to each. */
  public readonly alarms: Alarm[] = [];

  public constructor(scope: Construct, id: string, props: IntegrationsProps) {
    super(scope, id);

    this.eventBus = new EventBus(this, 'CaseEvents', {
      eventBusName: `${Stack.of(this).stackName}-case-events`,
      description: 'casewatch: every case timeline event, with the case after it (docs/integrations.md)',
    });

    this.deadLetterQueue = endOfLineQueue(
      this,
      'DeadLetterQueue',
      'The dead-letter queue of the webhook queue, of its EventBridge rule target and of the webhook sender (deliveries whose every attempt failed, with the reason): the end of the line, alarmed when not empty; an operator redrives it to the webhook queue once the receiver is back.',
    );
    // SQS-managed encryption: EventBridge and the sender use the queue without any KMS grant.
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's guidance for SQS sources: at least six times the function timeout, so a message is not
      // received again while a throttled or retried invocation still holds it.
      visibilityTimeout: Duration.seconds(SENDER_TIMEOUT.toSeconds() * 6),
      // Failed attempts are retried by the sender itself; a message failing five receives is a bug or
      // an unreachable table or queue: park it.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.rule = new Rule(this, 'ToWebhooks', {
      description: 'casewatch integrations: every casewatch case event, to the webhook queue',
      eventBus: this.eventBus,
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [
        new SqsQueue(this.queue, {
          deadLetterQueue: this.deadLetterQueue,
          maxEventAge: WEBHOOK_EVENT_MAX_AGE,
        }),
      ],
    });

    this.senderFunction = this.createSender(props);
    this.senderMapping = this.consumeQueue(this.senderFunction);

    this.alarms.push(
      notEmptyAlarm(
        this,
        'DeadLetterAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
        'casewatch integrations: a webhook delivery was given up on and is parked in the webhook dead-letter queue: a receiver failed every attempt (its webhook is paused and the leads were mailed; the message says why), or the sender or the bus rule could not handle an event. Fix or resume, then redrive to the webhook queue.',
      ),
    );
  }

  private createSender(props: IntegrationsProps): CasewatchFunction {
    const fn = new CasewatchFunction(this, 'WebhookSender', {
      entry: 'functions/webhook-sender/handler.ts',
      description:
        'casewatch integrations: posts case events to registered webhooks, signed; retries through its queue, pauses a failing webhook and mails the leads',
      timeout: SENDER_TIMEOUT,
      environment: {
        TABLE_NAME: props.table.tableName,
        CASEWATCH_SECRET_ARN: props.signingSecret.secretArn,
        WEBHOOK_QUEUE_URL: this.queue.queueUrl,
        WEBHOOK_DLQ_URL: this.deadLetterQueue.queueUrl,
        SENDER_ADDRESS: props.mail.senderAddress,
        LEADS_EMAIL: props.leadsEmail,
        MAIL_DOMAIN: props.mail.mailDomain,
        SES_CONFIGURATION_SET: props.mail.configurationSetName,
      },
    });
    grantTableItems(fn, props.table, SENDER_WEBHOOK_ACTIONS, WEBHOOKS_PARTITION);
    grantTableItems(fn, props.table, SENDER_LOG_ACTIONS, WEBHOOK_LOG_PARTITIONS);
    grantSecretValue(fn, props.signingSecret);
    // Retries go back on the webhook queue (with a delay); deliveries given up on, to the dead-letter queue.
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn, this.deadLetterQueue.queueArn],
      }),
    );
    // The pause notice to the leads.
    props.mail.grantSend(fn);
    return fn;
  }

  /** The sender's event source mapping on the webhook queue, and the consume grants that come with it. */
  private consumeQueue(fn: CasewatchFunction): EventSourceMapping {
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // A burst of case changes should not take the account's whole Lambda concurrency, nor hit a
        // receiver with more than a few batches at once.
        maxConcurrency: 5,
      }),
    );
    const mapping = fn.node.children.find((c): c is EventSourceMapping => c instanceof EventSourceMapping);
    if (mapping === undefined) throw new Error(`${fn.node.path} has no event source mapping`);
    Validations.of(mapping).acknowledge({
      id: 'Serverless::Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings take no on-failure destination: a message that keeps failing is moved by the webhook queue redrive policy (maxReceiveCount 5) to its dead-letter queue, which is alarmed.',
    });
    return mapping;
  }
}
