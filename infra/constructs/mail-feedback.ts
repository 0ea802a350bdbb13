import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import {
  type ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailSendingEvent,
  EventDestination,
} from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CasewatchFunction } from './casewatch-function.ts';
import { endOfLineQueue, notEmptyAlarm } from './dead-letters.ts';
import { grantTableItems } from './grants.ts';

/**
 * What the feedback function calls on the table: reads the case, writes its events and the report's
 * once-marker in one transaction of conditional Puts (the case is written back unchanged but for its
 * version, so no backlog counter moves), and puts the address on the suppression list. No Query, no
 * Scan, no delete.
 */
export const FEEDBACK_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
] as const;
/** The partitions those calls touch (`case-items.ts`): a case's, the once-markers, the suppression list. */
export const FEEDBACK_TABLE_KEYS = ['CASE#*', 'ONCE#*', 'SUPPRESSED#*'] as const;

/** SES's EventBridge detail types for the two events casewatch acts on. */
export const FEEDBACK_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received'] as const;

/** How long EventBridge keeps trying to hand a report to the function before parking it. */
export const FEEDBACK_MAX_EVENT_AGE = Duration.hours(24);

export interface MailFeedbackProps {
  readonly table: ITable;
  /** Every casewatch mail goes through it; its bounces and complaints are published from it. */
  readonly configurationSet: ConfigurationSet;
  /** Our Message-IDs are on this domain (how mail sent before the `case` tag names its case). */
  readonly mailDomain: string;
}

/**
 * Bounces and complaints of casewatch's mail (docs/mail.md#bounces-and-complaints): the configuration set
 * publishes them to the default EventBridge bus (SES's EventBridge destination takes no other), a rule
 * matches this configuration set's, and the feedback function records each on its case and suppresses
 * the address for a hard bounce or a complaint. EventBridge rather than an SNS topic: the rule filters by
 * event and configuration set, needs no topic (and no key to encrypt one), and its target has the retry
 * policy and dead-letter queue the attachment arrivals already use. Stateless.
 */
export class MailFeedback extends Construct {
  public readonly feedbackFunction: CasewatchFunction;
  public readonly rule: Rule;
  public readonly eventDestination: ConfigurationSetEventDestination;
  /** Reports given up on: the address is not suppressed, the case does not show it. */
  public readonly deadLetterQueue: Queue;
  /** Alarms without actions; the observability construct adds its topic to each. */
  public readonly alarms: Alarm[] = [];

  public constructor(scope: Construct, id: string, props: MailFeedbackProps) {
    super(scope, id);
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.eventDestination = new ConfigurationSetEventDestination(this, 'EventDestination', {
      configurationSet: props.configurationSet,
      destination: EventDestination.eventBus(defaultBus),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    this.deadLetterQueue = endOfLineQueue(
      this,
      'DeadLetterQueue',
      'The dead-letter queue of mail feedback (EventBridge delivers SES bounce and complaint events to the function asynchronously): the end of the line, alarmed when not empty; each message is the SES event, to replay.',
    );
    this.feedbackFunction = new CasewatchFunction(this, 'Feedback', {
      entry: 'functions/mail-events/handler.ts',
      description:
        'casewatch mail: records SES bounces and complaints on their case and suppresses hard-bounced and complaining addresses',
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        TABLE_NAME: props.table.tableName,
        MAIL_DOMAIN: props.mailDomain,
      },
    });
    grantTableItems(this.feedbackFunction, props.table, FEEDBACK_TABLE_ACTIONS, FEEDBACK_TABLE_KEYS);

    this.rule = new Rule(this, 'BouncesAndComplaints', {
      description:
        'casewatch mail: SES bounces and complaints of mail sent through the casewatch configuration set',
      eventBus: defaultBus,
      eventPattern: {
        source: ['aws.ses'],
        detailType: [...FEEDBACK_DETAIL_TYPES],
        detail: {
          mail: { tags: { 'ses:configuration-set': [props.configurationSet.configurationSetName] } },
        },
      },
      targets: [
        new LambdaFunction(this.feedbackFunction, {
          deadLetterQueue: this.deadLetterQueue,
          maxEventAge: FEEDBACK_MAX_EVENT_AGE,
        }),
      ],
    });

    this.alarms.push(
      notEmptyAlarm(
        this,
        'DeadLetterAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
        'casewatch mail: an SES bounce or complaint could not be recorded and is parked in the mail feedback dead-letter queue: its case does not show it and, for a hard bounce or complaint, the address may still be mailed. Fix and replay the event.',
      ),
    );
  }
}
