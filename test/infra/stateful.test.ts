import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NONCURRENT_VERSION_DAYS } from '../../infra/constructs/attachment-store.ts';
import {
  GLOBAL_INDEXES,
  KEY_ATTRIBUTES,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../../shared/adapters/dynamodb/table-definition.ts';
import { CLAIMS, GROUPS } from '../../shared/http/routes.ts';
import { type SynthesizedCasewatch, synthCasewatch } from './support/casewatch-template.ts';
import { PRIVATE_BUCKET_PROPERTIES } from './support/template-queries.ts';

let app: SynthesizedCasewatch;
beforeAll(() => {
  app = synthCasewatch();
});
afterAll(() => app.cleanup());

describe('the case table', () => {
  it('is built from the shared table definition: keys, string attributes, every index with its keys', () => {
    app.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const [table] = Object.values(app.template.findResources('AWS::DynamoDB::Table'));
    const props = table?.Properties as {
      KeySchema: unknown;
      AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
      GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    };
    expect(props.KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ]);
    expect(props.AttributeDefinitions).toEqual(
      expect.arrayContaining(KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
    );
    expect(props.AttributeDefinitions).toHaveLength(KEY_ATTRIBUTES.length);
    expect(props.GlobalSecondaryIndexes).toHaveLength(Object.keys(GLOBAL_INDEXES).length);
    for (const index of Object.values(GLOBAL_INDEXES)) {
      expect(props.GlobalSecondaryIndexes).toContainEqual({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
    }
  });

  it('is on-demand, with PITR, a new-and-old-images stream, TTL, encryption and deletion protection', () => {
    app.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('survives a stack deletion or replacement', () => {
    app.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('the user pool', () => {
  it('signs in by email, admin-provisioned, strong passwords, TOTP MFA required, retained', () => {
    app.template.resourceCountIs('AWS::Cognito::UserPool', 1);
    app.template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        UsernameAttributes: ['email'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        DeletionProtection: 'ACTIVE',
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      }),
    });
  });

  it('has the custom attribute behind the seller-id claim', () => {
    expect(CLAIMS.sellerId).toBe('custom:sellerId');
    app.template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'sellerId', AttributeDataType: 'String' })]),
    });
  });

  it('has exactly the sellers, agents and leads groups, leads taking precedence', () => {
    const groups = Object.values(app.template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties as { GroupName: string; Precedence: number },
    );
    expect(groups.map((g) => g.GroupName).sort()).toEqual(Object.values(GROUPS).sort());
    const precedence = (name: string) => groups.find((g) => g.GroupName === name)?.Precedence ?? Number.NaN;
    expect(precedence(GROUPS.leads)).toBeLessThan(precedence(GROUPS.agents));
    expect(precedence(GROUPS.agents)).toBeLessThan(precedence(GROUPS.sellers));
  });

  it('has one public app client: SRP and refresh only, and users cannot write their seller id', () => {
    app.template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    app.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      ReadAttributes: Match.arrayWith([CLAIMS.sellerId]),
      WriteAttributes: ['email'],
    });
  });
});

describe('the signing secret', () => {
  it('is generated, never in the template, and retained', () => {
    app.template.resourceCountIs('AWS::SecretsManager::Secret', 3);
    app.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
        SecretString: Match.absent(),
      }),
    });
  });
});

describe('the attachment buckets', () => {
  const bucketIds = () => ({
    attachments: app.logicalId(app.stack.attachments.bucket),
    logs: app.logicalId(app.stack.attachments.accessLogsBucket),
    inboundMail: app.logicalId(app.stack.mail.inboundBucket),
  });

  it('are encrypted, private, owner-enforced and retained', () => {
    // The portal's site and CloudFront log buckets are the portal's (portal.test.ts); these are the data's.
    const portal = [app.logicalId(app.stack.portal.bucket), app.logicalId(app.stack.portal.logsBucket)];
    const buckets = Object.entries(app.template.findResources('AWS::S3::Bucket')).filter(
      ([id]) => !portal.includes(id),
    );
    expect(buckets.map(([id]) => id).sort()).toEqual(Object.values(bucketIds()).sort());
    for (const [id, bucket] of buckets) {
      expect(bucket, id).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: PRIVATE_BUCKET_PROPERTIES,
      });
    }
  });

  it('refuse plain HTTP', () => {
    for (const id of Object.values(bucketIds())) {
      app.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('are versioned, keeping a replaced or deleted version 30 days, or one day past an expiring bucket’s retention', () => {
    const ids = bucketIds();
    const versionRules = (id: string) =>
      (
        (app.resource(id).Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules ??
        []
      ).filter((rule) => rule.NoncurrentVersionExpiration !== undefined);
    const keptFor = (days: number) => [
      expect.objectContaining({
        NoncurrentVersionExpiration: { NoncurrentDays: days },
        // Once the old version is gone, the delete marker expiry left behind goes too.
        ExpiredObjectDeleteMarker: true,
        Status: 'Enabled',
      }),
    ];
    for (const id of Object.values(ids)) {
      expect(app.resource(id).Properties.VersioningConfiguration, id).toEqual({ Status: 'Enabled' });
    }
    // Attachments never expire: an overwritten (presigned URLs can be reused until they expire) or
    // deleted one stays restorable 30 days.
    expect(versionRules(ids.attachments)).toEqual(keptFor(NONCURRENT_VERSION_DAYS));
    expect(NONCURRENT_VERSION_DAYS).toBe(30);
    // Access logs (a year) and raw mail (30 / 90 days) expire: their old versions must not outlive that.
    expect(versionRules(ids.logs)).toEqual(keptFor(1));
    expect(versionRules(ids.inboundMail)).toEqual(keptFor(1));
  });

  it('log attachment access, allow browser uploads by CORS, and clean up abandoned uploads', () => {
    const ids = bucketIds();
    app.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: ids.logs }, LogFilePrefix: 'attachments/' },
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({ AllowedMethods: Match.arrayWith(['PUT', 'GET']), ExposedHeaders: ['ETag'] }),
        ],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
        ]),
      },
    });
  });
});
