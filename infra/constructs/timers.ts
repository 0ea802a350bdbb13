import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CasewatchFunction } from './casewatch-function.ts';
import { endOfLineQueue, notEmptyAlarm } from './dead-letters.ts';
import { grantEscalationAnswered, grantTableItems } from './grants.ts';
import type { TimerTargets } from './reactions.ts';

/**
 * The only DynamoDB actions the timer function calls on the table: firing a timer re-reads the case and
 * writes it back with its events in one transaction of conditional Puts (IAM authorizes
 * TransactWriteItems per item, so PutItem covers it), plus the backlog counter's UpdateItem. No Scan, ever.
 */
export const TIMER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/** Firing a timer is a GetItem and one transaction: a few hundred ms; 30 s leaves room for retries. */
const TIMER_TIMEOUT = Duration.seconds(30);

/** Timers only need the table; the schedules are set by the reactions construct. */
export interface TimersProps {
  /** The case table: firing a timer re-reads the case and writes it back. */
  readonly table: ITable;
}

/**
 * SLA timers (docs/timers.md): one-shot EventBridge Scheduler schedules in a group of their own (set by the
 * reactions construct from each case's changes), each dropping its timer on the SQS timer queue, whose
 * function fires it. Stateless: every schedule is derived from a case and is set again by its next change.
 */
export class Timers extends Construct implements TimerTargets {
  public readonly scheduleGroup: ScheduleGroup;
  /** Where schedules deliver timers and the reconciler sends timers already due. */
  public readonly queue: Queue;
  /**
   * Timers that could not be fired (after `maxReceiveCount` receives) or delivered (Scheduler's retries
   * exhausted): both carry the timer payload, so one redrive to the timer queue replays either kind.
   */
  public readonly deadLetterQueue: Queue;
  /** The role Scheduler assumes to send to the timer queue (and its dead-letter queue). */
  public readonly schedulerRole: Role;
  /** Fires timers from the timer queue. */
  public readonly timerFunction: CasewatchFunction;
  public readonly timerMapping: EventSourceMapping;
  /**
   * Every alarm here: each means a timer was not fired or delivered. They have no actions yet; the
   * observability construct adds its SNS topic to each.
   */
  public readonly alarms: Alarm[] = [];

  public constructor(scope: Construct, id: string, props: TimersProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // Schedules are derived state, rebuilt from the table by each case's next change. Deleting the group
    // with the stack drops schedules that would target this stack's (deleted) queue anyway; retaining it
    // would leave them behind and block re-creating the stack, as the group name is fixed.
    this.scheduleGroup = new ScheduleGroup(this, 'ScheduleGroup', { removalPolicy: RemovalPolicy.DESTROY });

    // SQS-managed encryption: Scheduler and the functions use the queues without any KMS grant.
    this.deadLetterQueue = endOfLineQueue(
      this,
      'DeadLetterQueue',
      'This is the dead-letter queue of the timer queue and of every schedule; it is the end of the line, inspected and redriven to the timer queue by an operator, so it has no redrive target of its own.',
    );
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's guidance for SQS sources: at least six times the function timeout, so a message is not
      // received again while a throttled or retried invocation still holds it.
      visibilityTimeout: Duration.seconds(TIMER_TIMEOUT.toSeconds() * 6),
      // A timer failing five times is not transient (the table refuses it, or a bug): park it.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'casewatch timers: EventBridge Scheduler delivers timer schedules to the timer queue',
      // Confused-deputy guard: only schedules of this account's timer group may use the role.
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
    });
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        // Scheduler sends through the execution role to the target and to the target's dead-letter queue.
        resources: [this.queue.queueArn, this.deadLetterQueue.queueArn],
      }),
    );

    this.timerFunction = new CasewatchFunction(this, 'Timer', {
      entry: 'functions/timer/handler.ts',
      description: 'casewatch timers: fires SLA timers from the timer queue (at risk, breach, auto-close)',
      timeout: TIMER_TIMEOUT,
      // The queue's URL: an early timer is made visible again when it is due.
      environment: { TABLE_NAME: props.table.tableName, TIMER_QUEUE_URL: this.queue.queueUrl },
    });
    grantTableItems(this.timerFunction, props.table, TIMER_TABLE_ACTIONS);
    // An auto-close answers (deletes) a waiting escalation.
    grantEscalationAnswered(this.timerFunction, props.table);
    this.queue.grantConsumeMessages(this.timerFunction);
    this.timerMapping = this.timerFunction.addEventSourceMapping('TimerQueueSource', {
      eventSourceArn: this.queue.queueArn,
      batchSize: 10,
      // Timers fire when due: no batching window.
      reportBatchItemFailures: true,
      // Many timers can fall due together (e.g. at the 09:00 business-hours opening); the table is
      // on-demand, but a burst should not take the account's whole Lambda concurrency.
      maxConcurrency: 10,
    });
    Validations.of(this.timerMapping).acknowledge({
      id: 'Serverless::Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings take no on-failure destination: a timer that keeps failing is moved by the timer queue redrive policy (maxReceiveCount 5) to its dead-letter queue, which is alarmed.',
    });

    this.alarms.push(
      notEmptyAlarm(
        this,
        'DeadLetterAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
        'casewatch timers: a timer could not be fired or delivered and is parked in the timer dead-letter queue (its SLA deadline was not acted on). Inspect, fix, redrive to the timer queue.',
      ),
      notEmptyAlarm(
        this,
        'ScheduleDeliveryLostAlarm',
        this.scheduleGroup.metricFailedToBeSentToDLQ(),
        'casewatch timers: EventBridge Scheduler could neither deliver a timer nor park it in the dead-letter queue; that timer is lost.',
      ),
    );
  }
}
