import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { FIGURE_PARTITIONS } from '../../shared/adapters/dynamodb/case-items.ts';

/**
 * `secretsmanager:GetSecretValue` on the secret, nothing more: `grantRead` would add DescribeSecret, which
 * no casewatch code calls.
 */
export function grantSecretValue(fn: IFunction, secret: ISecret): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secret.secretArn],
    }),
  );
}

/**
 * DynamoDB `actions` on the table's items (not its indexes or stream). With `leadingKeys` (IAM
 * `StringLike` patterns, e.g. `idempotency#*`), only on items whose partition key matches one of them: IAM
 * checks every key a call touches, so a transaction cannot reach past them either.
 */
export function grantTableItems(
  fn: IFunction,
  table: ITable,
  actions: readonly string[],
  leadingKeys?: string | readonly string[],
): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: [...actions],
      resources: [table.tableArn],
      ...(leadingKeys !== undefined && {
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [leadingKeys].flat() },
        },
      }),
    }),
  );
}

/**
 * DeleteItem on waiting-escalation items only (`STATS#ESCALATIONS`, docs/cases.md#escalations): a case
 * write that answers an escalation — a lead acting, or the case closing, a deadline settled by any write
 * included — deletes its item in the same transaction. Every function whose writes can do that gets it;
 * nothing else in the table is deleted this way.
 */
export function grantEscalationAnswered(fn: IFunction, table: ITable): void {
  grantTableItems(fn, table, ['dynamodb:DeleteItem'], FIGURE_PARTITIONS.escalations);
}
