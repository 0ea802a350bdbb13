import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PORTAL_CERTIFICATE_CONTEXT,
  PORTAL_DOMAIN_CONTEXT,
  PORTAL_WEB_ACL_CONTEXT,
  parsePortalDomain,
  parseWebAclArn,
} from '../../infra/casewatch-stack.ts';
import { FIREWALL_LIMITS, PORTAL_API_PREFIX } from '../../infra/constructs/portal.ts';
import { PORTAL_CSP } from '../../local/portal.ts';
import {
  type SynthesizedCasewatch,
  synthCasewatch,
  synthCasewatchWith,
} from './support/casewatch-template.ts';
import { type Json, PRIVATE_BUCKET_PROPERTIES } from './support/template-queries.ts';

let app: SynthesizedCasewatch;
beforeAll(() => {
  app = synthCasewatch();
});
afterAll(() => app.cleanup());

type Behavior = Json & { FunctionAssociations?: { FunctionARN: unknown }[] };
const distribution = (of = app) => {
  const [d] = of.resourcesOf('AWS::CloudFront::Distribution');
  if (!d) throw new Error('no distribution');
  return (d.props as { DistributionConfig: Json }).DistributionConfig as Json & {
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: (Behavior & { PathPattern: string })[];
  };
};

/** Runs a CloudFront Function's inline code on a viewer request, as CloudFront would. */
function runEdgeFunction(logicalId: string, uri: string): string {
  const code = app.resource(logicalId).Properties.FunctionCode as string;
  const handler = new Function(`${code}; return handler;`)() as (event: unknown) => { uri: string };
  return handler({ request: { uri } }).uri;
}
const edgeFunctionOf = (behavior: Behavior) =>
  (JSON.stringify(behavior.FunctionAssociations?.[0]?.FunctionARN).match(/"(\w+)","FunctionARN"/) ??
    [])[1] as string;

describe('the portal', () => {
  it('serves the app from a private, encrypted, owner-enforced bucket through origin access control only', () => {
    const site = app.resource(app.logicalId(app.stack.portal.bucket));
    expect(site).toMatchObject({ DeletionPolicy: 'Retain', Properties: PRIVATE_BUCKET_PROPERTIES });
    const policy = app
      .resourcesOf('AWS::S3::BucketPolicy')
      .find(
        (p) =>
          JSON.stringify(p.props.Bucket) === JSON.stringify({ Ref: app.logicalId(app.stack.portal.bucket) }),
      );
    if (!policy) throw new Error('the site bucket has no policy');
    const statements = (policy.props.PolicyDocument as { Statement: Json[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // Only CloudFront, for this distribution, reads it.
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    );
    app.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });

  it('redirects to HTTPS, and answers the pages of the app with index.html', () => {
    const d = distribution();
    expect(d.DefaultRootObject).toBe('index.html');
    expect(d.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const pages = edgeFunctionOf(d.DefaultCacheBehavior);
    expect(runEdgeFunction(pages, '/case/CW-5SADRT')).toBe('/index.html');
    expect(runEdgeFunction(pages, '/queue')).toBe('/index.html');
    expect(runEdgeFunction(pages, '/assets/index-BSJqn3xm.js')).toBe('/assets/index-BSJqn3xm.js');
    expect(runEdgeFunction(pages, '/config.json')).toBe('/config.json');
    // No custom error pages: they would turn the API's own 404s into the app too.
    expect(d.CustomErrorResponses).toBeUndefined();
  });

  it(`puts the API under ${PORTAL_API_PREFIX}/* on the same origin: HTTPS only, nothing cached, every header but Host`, () => {
    const [api, ...others] = distribution().CacheBehaviors;
    expect(others).toEqual([]);
    expect(api).toMatchObject({
      PathPattern: `${PORTAL_API_PREFIX}/*`,
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PUT', 'OPTIONS']),
      // CloudFront's managed CachingDisabled and AllViewerExceptHostHeader policies.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    const origin = (distribution().Origins as { Id: string; DomainName: unknown }[]).find(
      (o) => o.Id === (api as Json).TargetOriginId,
    );
    expect(JSON.stringify(origin?.DomainName)).toContain(app.logicalId(app.stack.api.httpApi));
    const strip = edgeFunctionOf(api as Behavior);
    expect(runEdgeFunction(strip, '/api/cases/CW-5SADRT')).toBe('/cases/CW-5SADRT');
    expect(runEdgeFunction(strip, '/api/')).toBe('/');
  });

  it('answers with a strict Content-Security-Policy, HSTS and no framing, the local runtime’s policy plus sign-in and uploads', () => {
    const [policy] = app.resourcesOf('AWS::CloudFront::ResponseHeadersPolicy');
    if (!policy) throw new Error('no response headers policy');
    const config = (policy.props as { ResponseHeadersPolicyConfig: Json }).ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Json>;
    };
    const security = config.SecurityHeadersConfig;
    const csp = JSON.stringify(security.ContentSecurityPolicy?.ContentSecurityPolicy);
    for (const directive of PORTAL_CSP.split('; ').filter(
      (d) => !d.startsWith('connect-src') && !d.startsWith('form-action'),
    ))
      expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/connect-src 'self' https:\/\/cognito-idp\..*amazoncognito.*https:\/\/\*\.s3\./);
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63_072_000,
      IncludeSubdomains: true,
    });
    expect(security.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(security.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
    expect(security.ContentTypeOptions).toMatchObject({ Override: true });
    // The same policy on the app and on the API behind it.
    const id = { Ref: policy.id };
    expect(distribution().DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(id);
    expect(distribution().CacheBehaviors[0]?.ResponseHeadersPolicyId).toEqual(id);
  });

  it('deploys hashed assets for a year and the page and config.json revalidated, with config.json from the user pool', () => {
    const deployments = app.resourcesOf('Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(2);
    const page = deployments.find((d) => JSON.stringify(d.props).includes('no-cache'));
    const assets = deployments.find((d) => JSON.stringify(d.props).includes('immutable'));
    expect(assets?.props).toMatchObject({ Include: ['assets/*'], Prune: false });
    expect(page?.props).toMatchObject({
      Exclude: ['assets/*', '*.map'],
      DistributionPaths: ['/index.html', '/config.json'],
    });
    // config.json is written from the stack's values at deploy (tokens resolved by the deployment).
    const config = JSON.stringify(page?.props.SourceMarkers);
    expect(config).toContain(app.logicalId(app.stack.identity.userPoolClient));
    expect(config).toContain(app.logicalId(app.stack.identity.signInDomain));
    expect(JSON.stringify(page?.props)).toContain('config.json');
  });

  it('signs people in with the hosted pages: authorization code with PKCE back to the portal, no implicit flow', () => {
    const client = app.resource(app.logicalId(app.stack.identity.userPoolClient)).Properties;
    expect(client).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email', 'profile']),
      SupportedIdentityProviders: ['COGNITO'],
      GenerateSecret: false,
    });
    const distributionId = app.logicalId(app.stack.portal.distribution);
    expect(JSON.stringify(client.CallbackURLs)).toContain(distributionId);
    expect(JSON.stringify(client.CallbackURLs)).toContain('/auth/callback');
    expect(JSON.stringify(client.LogoutURLs)).toContain(distributionId);
    const domain = app.resource(app.logicalId(app.stack.identity.signInDomain)).Properties;
    expect(JSON.stringify(domain.Domain)).toContain('casewatch-');
  });

  it('puts a firewall in front where CloudFront firewalls are made (us-east-1): rate limits per client and AWS’s bad-input lists', () => {
    const [acl, ...more] = app.resourcesOf('AWS::WAFv2::WebACL');
    expect(more).toEqual([]);
    expect(acl?.props.Scope).toBe('CLOUDFRONT');
    expect((app.resource(acl?.id as string) as { Condition?: string }).Condition).toBeDefined();
    const rules = acl?.props.Rules as { Name: string; Statement: Json; Action?: Json }[];
    expect(rules.map((r) => r.Name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'anonymous-case-creation',
      'per-client',
    ]);
    const rate = (name: string) => rules.find((r) => r.Name === name)?.Statement.RateBasedStatement as Json;
    expect(rate('anonymous-case-creation')).toMatchObject({
      Limit: FIREWALL_LIMITS.anonymousCreates,
      EvaluationWindowSec: 300,
      AggregateKeyType: 'IP',
    });
    // Only anonymous creates: POST /api/cases without an Authorization header.
    const scope = JSON.stringify(rate('anonymous-case-creation').ScopeDownStatement);
    expect(scope).toContain('"SearchString":"/api/cases"');
    expect(scope).toContain('"SearchString":"POST"');
    expect(scope).toContain('NotStatement');
    expect(rate('per-client')).toMatchObject({ Limit: FIREWALL_LIMITS.perClient, AggregateKeyType: 'IP' });
    for (const r of rules.filter((r) => r.Name.startsWith('anonymous') || r.Name === 'per-client'))
      expect(r.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    expect(JSON.stringify(distribution().WebACLId)).toContain('Fn::If');
  });

  it('takes a firewall made elsewhere, a custom domain and its certificate from the context', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/casewatch/0123abcd-45ef';
    const cert = 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234';
    const other = synthCasewatchWith({
      [PORTAL_WEB_ACL_CONTEXT]: arn,
      [PORTAL_DOMAIN_CONTEXT]: 'support.example.com',
      [PORTAL_CERTIFICATE_CONTEXT]: cert,
    });
    expect(other.resourcesOf('AWS::WAFv2::WebACL')).toEqual([]);
    const d = distribution(other);
    expect(d.WebACLId).toBe(arn);
    expect(d.Aliases).toEqual(['support.example.com']);
    expect(d.ViewerCertificate).toEqual({
      AcmCertificateArn: cert,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(
      JSON.stringify(
        other.resource(other.logicalId(other.stack.identity.userPoolClient)).Properties.CallbackURLs,
      ),
    ).toContain('https://support.example.com/auth/callback');
    expect(() => parsePortalDomain('support.example.com', undefined)).toThrow(PORTAL_CERTIFICATE_CONTEXT);
    expect(() =>
      parsePortalDomain('support.example.com', 'arn:aws:acm:eu-west-1:123456789012:certificate/x'),
    ).toThrow('us-east-1');
    expect(() => parseWebAclArn('arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y')).toThrow(
      PORTAL_WEB_ACL_CONTEXT,
    );
    expect(parsePortalDomain(undefined, undefined)).toBeUndefined();
  });

  it('logs every request to a log bucket that keeps them a year, and stays private though it takes ACL delivery', () => {
    expect(distribution().Logging).toMatchObject({ Bucket: expect.anything(), Prefix: 'cloudfront/' });
    const logs = app.resource(app.logicalId(app.stack.portal.logsBucket));
    expect(logs).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        ...PRIVATE_BUCKET_PROPERTIES,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
        LifecycleConfiguration: {
          Rules: expect.arrayContaining([expect.objectContaining({ ExpirationInDays: 365 })]),
        },
      },
    });
  });
});
