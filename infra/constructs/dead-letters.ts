import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue work that was given up on ends up in (a dead-letter queue or an on-failure destination): SQS-managed
 * encryption (senders need no KMS grant), TLS only, messages kept 14 days for an operator to inspect and
 * redrive. It is the end of the line, so it has no redrive target of its own: Serverless-SQSRedrivePolicy
 * and Control Tower's CT.SQS.PR.1 (sqs_dlq_check) are acknowledged on it, with `reason`, as is each rule of
 * `alsoAcknowledge` (namespaced ids).
 */
export function endOfLineQueue(
  scope: Construct,
  id: string,
  reason: string,
  alsoAcknowledge: readonly string[] = [],
): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  for (const ruleId of [
    ...alsoAcknowledge,
    'Serverless::Serverless-SQSRedrivePolicy',
    'cdk-validator-cfnguard::sqs_dlq_check',
  ]) {
    Validations.of(queue).acknowledge({ id: ruleId, reason });
  }
  return queue;
}

/**
 * Goes off on any data point above zero (a queue's visible messages, a failure count): anything at all
 * there is work that was not done. No actions: the observability construct adds its topic to it.
 */
export function notEmptyAlarm(scope: Construct, id: string, metric: IMetric, description: string): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: description,
    metric,
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
