import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  GLOBAL_INDEXES,
  INDEX_PROJECTION,
  STREAM_VIEW_TYPE,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../../shared/adapters/dynamodb/table-definition.ts';

/**
 * The single casewatch table, built from the same definition DynamoDB Local gets, so keys and indexes
 * cannot drift between the local runtime and AWS. Stateful: retained, and guarded against deletion.
 */
export class CaseStore extends Construct {
  public readonly table: Table;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      // Support traffic is spiky (incidents) and small on average: on-demand needs no capacity planning.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Timer reconciliation and notifications compare the case before and after each change.
      stream: StreamViewType[STREAM_VIEW_TYPE],
      // Only idempotency records expire; cases and timelines are kept.
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The AWS-managed key (aws/dynamodb): key use shows in CloudTrail, no key policy to maintain and no
      // kms:* grants for every reader; a customer-managed key would add that upkeep for no control we need.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [name, index] of Object.entries(GLOBAL_INDEXES) as [
      keyof typeof GLOBAL_INDEXES,
      (typeof GLOBAL_INDEXES)[keyof typeof GLOBAL_INDEXES],
    ][]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType[INDEX_PROJECTION[name]],
      });
    }
  }

  /** ARNs of every global secondary index, named one by one: grants never need `index/*`. */
  public get indexArns(): string[] {
    return Object.values(GLOBAL_INDEXES).map((index) => `${this.table.tableArn}/index/${index.indexName}`);
  }
}
