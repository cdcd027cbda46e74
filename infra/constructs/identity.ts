import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { IdentityConfig } from '../config';
import type { JwtIssuer } from './http-api';

/** The roles of DESIGN.md §1; each is a user pool group and appears in `cognito:groups`. */
export const ROLES = [
  { id: 'city_office', description: '市财政局（民生办） city livelihood office' },
  { id: 'city_dept', description: '市直牵头部门 city lead department' },
  { id: 'county_office', description: '县（市）区/开发区民生办 county livelihood office' },
  { id: 'project_unit', description: '项目实施单位 project implementation unit' },
  { id: 'supervisor', description: '特邀监督员 invited supervisor' },
  { id: 'inspector', description: '人大、政协视察 NPC/CPPCC inspector' },
  { id: 'admin', description: '系统管理员 administrator' },
] as const;

/** Properties of {@link MinshengIdentity}. */
export interface MinshengIdentityProps {
  readonly config: IdentityConfig;
  /** The web app's URL (`https://…` without a trailing slash): OAuth callback and sign-out target. */
  readonly webUrl: string;
  /** Further allowed callback/sign-out URLs (e.g. a custom domain). @default none */
  readonly extraWebUrls?: readonly string[];
}

/** What the web app needs to sign in, written to its `config.json` under `auth`. */
export interface WebAuthConfig {
  readonly kind: 'cognito' | 'oidc';
  readonly issuer: string;
  readonly clientId: string;
  readonly domain?: string;
  readonly scopes: readonly string[];
  readonly redirectUri: string;
}

/**
 * Who the users are. With `kind: 'cognito'` a user pool: administrators create accounts (no self
 * sign-up); a group per role; `custom:org` and `custom:county` set by administrators and not writable
 * through the app client (a user must not move themselves into another county); TOTP MFA required;
 * Plus feature plan with threat protection enforced unless the context opts down; a public web client
 * for the authorization-code flow with PKCE. With `kind: 'oidc'` nothing is created: the APIs trust
 * the external issuer named in context (the China regions have no Cognito user pools).
 */
export class MinshengIdentity extends Construct {
  readonly userPool?: cognito.UserPool;
  readonly webClient?: cognito.UserPoolClient;
  readonly domain?: cognito.UserPoolDomain;
  /** Issuer and audiences for the HTTP APIs' JWT authorizers. */
  readonly jwt: JwtIssuer;
  readonly webAuth: WebAuthConfig;

  constructor(scope: Construct, id: string, props: MinshengIdentityProps) {
    super(scope, id);
    const { config } = props;
    const redirectUri = `${props.webUrl}/`;
    const scopes = ['openid', 'profile', 'email'];
    if (config.kind === 'oidc') {
      const audience = typeof config.audience === 'string' ? [config.audience] : [...config.audience];
      this.jwt = { issuer: config.issuer, audience };
      this.webAuth = {
        kind: 'oidc',
        issuer: config.issuer,
        clientId: config.clientId ?? audience[0],
        scopes,
        redirectUri,
      };
      return;
    }
    const plus = (config.featurePlan ?? 'plus') === 'plus';
    const pool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: true, mutable: true },
      },
      customAttributes: {
        org: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        county: new cognito.StringAttribute({ minLen: 1, maxLen: 32, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // MLPS 2.0 (等级保护) level 3 asks for two authentication factors. TOTP apps need no SMS
      // origination setup and work the same for every county.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: plus ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(plus ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPool = pool;
    for (const role of ROLES) {
      // Group names are data (the values of `cognito:groups` the handlers check), not resource names.
      new cognito.CfnUserPoolGroup(
        this,
        `Group${role.id.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())}`,
        {
          userPoolId: pool.userPoolId,
          groupName: role.id,
          description: role.description,
        },
      );
    }
    const urls = [redirectUri, ...(props.extraWebUrls ?? []).map((u) => `${u}/`)];
    this.webClient = pool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE, cognito.OAuthScope.EMAIL],
        callbackUrls: urls,
        logoutUrls: urls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      // Sign-out revokes the refresh token (and the access tokens issued from it) at Cognito, but the
      // APIs' JWT authorizers verify tokens locally and accept a revoked ID or access token until it
      // expires: keep them short-lived. The web app renews them with the refresh token, which it
      // holds in memory only.
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(15),
      accessTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true, locale: true })
        .withCustomAttributes('org', 'county'),
      // Only the UI language is the user's to change; org and county are set by administrators.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ locale: true }),
    });
    if (config.domainPrefix) {
      this.domain = pool.addDomain('Domain', { cognitoDomain: { domainPrefix: config.domainPrefix } });
    }
    const issuer = `https://${pool.userPoolProviderUrl}`;
    this.jwt = { issuer, audience: [this.webClient.userPoolClientId] };
    this.webAuth = {
      kind: 'cognito',
      issuer,
      clientId: this.webClient.userPoolClientId,
      domain: this.domain?.baseUrl(),
      scopes,
      redirectUri,
    };
  }
}
