import { Duration, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CLAIMS, GROUPS } from '../../shared/http/routes.ts';

/** The custom attribute behind the `custom:sellerId` claim. */
const SELLER_ID_ATTRIBUTE = CLAIMS.sellerId.replace(/^custom:/, '');

export interface IdentityProps {
  /**
   * The portal's address, known only once the distribution exists: the web client's sign-in callback
   * and sign-out page live there. Read when the stack is synthesized.
   */
  readonly portalUrl: () => string;
  /** The hosted sign-in's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly signInDomainPrefix: string;
  /**
   * Which origin token is current (`casewatch:originTokenGeneration`, from 1). The API takes the one
   * before and the one after too, so raising it by one refuses no request, whichever of the distribution
   * and the functions CloudFormation updates first.
   * @default 1
   */
  readonly originTokenGeneration?: number;
}

/**
 * Who may call casewatch. Sellers and staff are Cognito users (groups `sellers`, `agents`, `leads`);
 * consumers have no account and hold a case token, signed — like pagination cursors and survey links —
 * with the generated key here. Both are stateful: losing either logs everyone out or voids every link
 * already emailed, so both are retained.
 */
export class Identity extends Construct {
  public readonly userPool: UserPool;
  /**
   * The one client the web apps sign in with: public (no secret); the portal through the hosted sign-in
   * (authorization code with PKCE), other apps by SRP; refresh tokens for both.
   */
  public readonly userPoolClient: UserPoolClient;
  /** The hosted sign-in (Cognito's managed pages) on its Cognito domain. */
  public readonly signInDomain: UserPoolDomain;
  /** The JWT `iss` of this pool's tokens, for the API Gateway authorizer and the handlers' own checks. */
  public readonly issuer: string;
  /** Where the pool publishes its signing keys, for handlers that verify a JWT themselves. */
  public readonly jwksUrl: string;
  /** HMAC key for case tokens, cursors and survey tokens. */
  public readonly signingSecret: Secret;
  /**
   * What the portal's distribution sends the API in `X-Casewatch-Origin`, so the API answers only requests
   * that passed its firewall (docs/architecture.md#the-firewall). Not a signing key: CloudFormation resolves it
   * into the distribution's origin headers and the API functions' environment.
   */
  public readonly originToken: Secret;
  /**
   * What the API takes, by role: the generation before (none at 1), the current one, and the next, made
   * ahead so that a deployment raising the generation finds it taken already.
   */
  public readonly acceptedOriginTokens: { previous?: Secret; current: Secret; next: Secret };

  public constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      // Accounts are provisioned by the platform (sellers, with their sellerId) and by support leads (staff):
      // a self-registered user could otherwise pick any sellerId.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // An unverified new address must not become the `email` claim staff are identified by.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        [SELLER_ID_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 128, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Every account can read cases full of buyers' personal data; TOTP only: no SMS cost, no SNS role.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG8',
      reason:
        'The Plus tier (threat protection) is billed per monthly active user on top of Essentials; the pool has no self sign-up, requires MFA and a 12-character password, and the API throttles every route, so the extra charge is not justified yet.',
    });

    const groups = [
      { id: 'Sellers', name: GROUPS.sellers, description: 'Sellers: open cases and see their own' },
      { id: 'Agents', name: GROUPS.agents, description: 'Support agents: work every case' },
      { id: 'Leads', name: GROUPS.leads, description: 'Support leads: agents plus oversight' },
    ];
    for (const [precedence, group] of groups.entries()) {
      this.userPool.addGroup(group.id, {
        groupName: group.name,
        description: group.description,
        precedence: groups.length - precedence,
      });
    }

    this.userPoolClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      // Refresh-token auth is always allowed alongside; no password ever crosses the wire (SRP).
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: Lazy.list({ produce: () => [`${props.portalUrl()}/auth/callback`] }),
        logoutUrls: Lazy.list({ produce: () => [`${props.portalUrl()}/`] }),
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes(SELLER_ID_ATTRIBUTE),
      // The seller id decides which cases a seller sees: only administrators may set it.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
    });

    this.signInDomain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: props.signInDomainPrefix },
    });

    this.issuer = `https://${this.userPool.userPoolProviderUrl}`;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;

    this.signingSecret = new Secret(this, 'SigningSecret', {
      description: 'casewatch: HMAC key for consumer case tokens, pagination cursors and survey tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.signingSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'The key signs case tokens and survey links already emailed to consumers, which must keep working for the life of a case; rotating it on a schedule would void them all. Rotation needs a key ring (verify with current and previous keys) first.',
    });
    const generation = props.originTokenGeneration ?? 1;
    this.originToken = this.originTokenOf(generation);
    this.acceptedOriginTokens = {
      ...(generation > 1 ? { previous: this.originTokenOf(generation - 1) } : {}),
      current: this.originToken,
      next: this.originTokenOf(generation + 1),
    };
  }

  /**
   * The origin token of one generation: a secret of its own (generation 1 keeps the first one's id), so
   * raising the generation changes the reference in the distribution and the functions in one deployment. Its value is never edited by hand: CloudFormation does not resolve a reference again
   * until the resource holding it changes, so an edited value would reach the functions at their next
   * code change and not the distribution.
   */
  private originTokenOf(generation: number): Secret {
    const token = new Secret(this, generation === 1 ? 'ApiOriginToken' : `ApiOriginToken${generation}`, {
      description: `casewatch: the header value the portal distribution sends the API, so direct calls are refused (generation ${generation})`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(token).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Resolved by CloudFormation into the distribution and the API functions at deploy time, where a scheduled rotation would not reach them. Changed by raising casewatch:originTokenGeneration instead: the API already takes the next generation, so one deployment changes it over (docs/architecture.md#the-firewall).',
    });
    return token;
  }
}
