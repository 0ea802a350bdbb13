import type { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';

export type Json = Record<string, unknown>;

/** One IAM policy statement as it stands in the template. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Json;
}

/** One (action, resource, condition) a role is allowed, each rendered as JSON text. */
export interface Grant {
  action: string;
  resource: string;
  condition?: string;
}

/** A resource of the template, with the attributes the tests look at. */
export interface TemplateResource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  DependsOn?: string[];
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

export const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

/**
 * The one delete a case writer may make: a waiting escalation's figure item, which the write that answers
 * it removes (`grantEscalationAnswered`).
 */
export const ESCALATION_ANSWERED = (table: string): Grant => ({
  action: 'dynamodb:DeleteItem',
  resource: JSON.stringify(getAtt(table)),
  condition: JSON.stringify({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STATS#ESCALATIONS'] } }),
});

/**
 * `arn:<partition>:<service>:<region>:<account>:<resource>` as CDK's formatArn renders it; `rest` goes on
 * after the resource, e.g. another resource's Ref (`arnJoin('ses', 'identity/', { Ref: id })`).
 */
export const arnJoin = (service: string, resource: string, ...rest: unknown[]) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${service}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}`,
      ...rest,
    ],
  ],
});

/** The properties every casewatch bucket has: SSE-S3, all public access blocked, owner-enforced. */
export const PRIVATE_BUCKET_PROPERTIES = {
  BucketEncryption: {
    ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
  },
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  },
  OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
};

/** Lookups in one synthesized template, by logical id. */
export interface TemplateQueries {
  /** The resource with this logical id (throws if there is none). */
  resource(id: string): TemplateResource;
  /** Every resource of a type, with its logical id. */
  resourcesOf(type: string): { id: string; props: Json }[];
  /** A function's environment variables. */
  envOf(functionId: string): Json;
  /** Every statement of every policy in the template: managed, attached and inline. */
  allStatements(): Statement[];
  /** The statements a role can use: its inline policies and every AWS::IAM::Policy attached to it. */
  statementsOf(roleId: string): Statement[];
  /**
   * One row per (action, resource, condition) a role is allowed, so grants compare regardless of how
   * statements group them; only actions starting with `actionPrefix` (e.g. `sqs:`) when given. Expects
   * the role to have no managed policy and every statement to allow.
   */
  grantsOf(roleId: string, actionPrefix?: string): Grant[];
  /** The AWS services (`sqs`, `ses`…) a role is allowed anything in, sorted. */
  servicesOf(roleId: string): string[];
  /** The properties of a function's one event source mapping (fails unless it has exactly one). */
  mappingOf(functionId: string): Json;
  /** The alarms on a queue's depth (visible messages), with their logical ids. */
  queueDepthAlarms(queueId: string): { id: string; props: Json }[];
}

/**
 * `cdkOwnedRoles`: roles of CDK's own deploy-time providers (the portal's BucketDeployment), whose grants
 * are CDK's to choose; `allStatements` leaves them out (the portal construct acknowledges them one by one).
 */
export function templateQueries(template: Template, cdkOwnedRoles: readonly string[] = []): TemplateQueries {
  const resource = (id: string): TemplateResource => {
    const found = template.toJSON().Resources[id] as TemplateResource | undefined;
    if (found === undefined) throw new Error(`no resource ${id}`);
    return found;
  };
  const resourcesOf = (type: string) =>
    Object.entries(template.findResources(type)).map(([id, r]) => ({ id, props: r.Properties as Json }));
  const statementsOf = (roleId: string): Statement[] => {
    const inline = (
      (resource(roleId).Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]
    ).flatMap((p) => p.PolicyDocument.Statement);
    const attached = resourcesOf('AWS::IAM::Policy')
      .filter((p) =>
        (p.props.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
      )
      .flatMap((p) => (p.props.PolicyDocument as { Statement: Statement[] }).Statement);
    return [...inline, ...attached];
  };
  const grantsOf = (roleId: string, actionPrefix = ''): Grant[] => {
    expect(resource(roleId).Properties.ManagedPolicyArns, roleId).toBeUndefined();
    return statementsOf(roleId)
      .flatMap((s) => {
        expect(s.Effect).toBe('Allow');
        return asList(s.Action).flatMap((action) =>
          asList(s.Resource).map((r) => ({
            action,
            resource: JSON.stringify(r),
            ...(s.Condition !== undefined && { condition: JSON.stringify(s.Condition) }),
          })),
        );
      })
      .filter((g) => g.action.startsWith(actionPrefix));
  };

  return {
    resource,
    resourcesOf,
    envOf: (functionId) => (resource(functionId).Properties.Environment as { Variables: Json }).Variables,
    allStatements: () =>
      [
        ...resourcesOf('AWS::IAM::Policy')
          .filter(
            (p) =>
              !(p.props.Roles as unknown[]).every((r) =>
                cdkOwnedRoles.some((id) => JSON.stringify(r) === JSON.stringify({ Ref: id })),
              ),
          )
          .map((p) => p.props.PolicyDocument),
        ...resourcesOf('AWS::IAM::ManagedPolicy').map((p) => p.props.PolicyDocument),
        ...resourcesOf('AWS::IAM::Role')
          .filter((r) => !cdkOwnedRoles.includes(r.id))
          .flatMap((r) =>
            ((r.props.Policies ?? []) as { PolicyDocument: unknown }[]).map((p) => p.PolicyDocument),
          ),
      ].flatMap((d) => (d as { Statement: Statement[] }).Statement),
    statementsOf,
    grantsOf,
    servicesOf: (roleId) => [...new Set(grantsOf(roleId).map((g) => g.action.split(':')[0] ?? ''))].sort(),
    mappingOf: (functionId) => {
      const mappings = resourcesOf('AWS::Lambda::EventSourceMapping').filter(
        (m) => JSON.stringify(m.props.FunctionName) === JSON.stringify({ Ref: functionId }),
      );
      expect(mappings, functionId).toHaveLength(1);
      return mappings[0]?.props ?? {};
    },
    queueDepthAlarms: (queueId) =>
      resourcesOf('AWS::CloudWatch::Alarm').filter(
        (a) =>
          a.props.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.props.Dimensions) ===
            JSON.stringify([{ Name: 'QueueName', Value: getAtt(queueId, 'QueueName') }]),
      ),
  };
}
