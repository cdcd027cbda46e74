/**
 * Reads and checks the app's CDK context once, at synth time, so a typo in `cdk.json` fails the synth
 * with a message that names the key instead of producing a broken template.
 */

/** One county-level division (or development zone): one county stack each. */
export interface CountyConfig {
  /** Administrative code (`340102`) or zone id (`hf-gxq`); part of the stack's construct id. */
  readonly code: string;
  readonly name: string;
}

/** The city that owns the city stack. */
export interface CityConfig {
  readonly code: string;
  readonly name: string;
}

/** Cognito user pool in the city stack (the default). */
export interface CognitoIdentityConfig {
  readonly kind: 'cognito';
  /**
   * Prefix of the Cognito hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`). A domain
   * prefix is a global hostname, so it is never invented here; without it no domain is created and the
   * web app cannot start the authorization-code flow.
   * @default - no hosted domain
   */
  readonly domainPrefix?: string;
  /**
   * Cognito feature plan. 'plus' turns on threat protection (compromised-credential and adaptive
   * authentication checks) in enforcement mode.
   * @default 'plus'
   */
  readonly featurePlan?: 'plus' | 'essentials';
}

/** Any external OpenID Connect issuer (e.g. a provincial government SSO); no user pool is created. */
export interface OidcIdentityConfig {
  readonly kind: 'oidc';
  /** Issuer URL exactly as it appears in the tokens' `iss` claim (https). */
  readonly issuer: string;
  /** Accepted `aud` values (the web app's client id at that issuer). */
  readonly audience: string | readonly string[];
  /** The web app's client id at that issuer. @default the first audience */
  readonly clientId?: string;
}

export type IdentityConfig = CognitoIdentityConfig | OidcIdentityConfig;

/** Everything the app needs from context and environment. */
export interface AppConfig {
  readonly city: CityConfig;
  readonly counties: readonly CountyConfig[];
  readonly identity: IdentityConfig;
  /** Deployment region (`-c region=cn-north-1`), or undefined for an environment-agnostic synth. */
  readonly region?: string;
  /** Deployment account (CDK_DEFAULT_ACCOUNT), or undefined. */
  readonly account?: string;
  /**
   * Extra origins the APIs accept in CORS besides the CloudFront URL (`-c minsheng:webOrigins=...`),
   * e.g. the ICP-filed custom domain the site is served from in the China partition.
   */
  readonly extraWebOrigins: readonly string[];
  /**
   * The SNS topic every alarm goes to (`minsheng:alarmTopic`): an ARN, or a topic name in the
   * deployment account and region. Undefined: the city stack creates one.
   */
  readonly alarmTopic?: string;
  /**
   * Concurrency reserved for each function of each county stack (`minsheng:countyReservedConcurrency`,
   * default {@link DEFAULT_COUNTY_RESERVED_CONCURRENCY}); 0 reserves none.
   */
  readonly countyReservedConcurrency: number;
  /** The account's Lambda concurrency quota the reservations must fit in (`minsheng:accountConcurrency`, default 1000). */
  readonly accountConcurrency: number;
  /**
   * A CLOUDFRONT-scope AWS WAF web ACL (ARN) for the API edge (`minsheng:apiWebAcl`). Undefined: one is
   * created in us-east-1 when the region is known and outside China.
   */
  readonly apiWebAcl?: string;
}

/** Concurrency reserved per county function unless `minsheng:countyReservedConcurrency` says otherwise. */
export const DEFAULT_COUNTY_RESERVED_CONCURRENCY = 3;

/** Lambda keeps this much of the account's concurrency unreserved; reservations must leave it. */
export const UNRESERVED_CONCURRENCY_MINIMUM = 100;

/** A context value that is missing or malformed. */
export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';
  readonly code = 'INVALID_CONTEXT';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`cdk.json context "${key}": ${message}`);
  }
}

/** Anything with `tryGetContext`: an App, a Stack or a construct node. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

const CODE_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

function parseJsonIfString(value: unknown): unknown {
  // `-c key=value` on the command line arrives as a string; JSON objects there are legal too.
  if (typeof value === 'string' && /^[[{]/.test(value.trim())) return JSON.parse(value);
  return value;
}

function readPlace(key: string, value: unknown): { code: string; name: string } {
  if (!value || typeof value !== 'object') throw new InvalidContextError(key, 'expected {"code", "name"}');
  const { code, name } = value as Record<string, unknown>;
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) {
    throw new InvalidContextError(
      key,
      `code ${JSON.stringify(code)} must be lowercase letters, digits, hyphens`,
    );
  }
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidContextError(key, `name of ${code} is empty`);
  return { code, name };
}

function readIdentity(value: unknown): IdentityConfig {
  const key = 'minsheng:identity';
  if (value === undefined) return { kind: 'cognito' };
  if (!value || typeof value !== 'object')
    throw new InvalidContextError(key, 'expected an object with "kind"');
  const v = value as Record<string, unknown>;
  if (v.kind === 'cognito') {
    if (
      v.domainPrefix !== undefined &&
      (typeof v.domainPrefix !== 'string' || !CODE_PATTERN.test(v.domainPrefix))
    ) {
      throw new InvalidContextError(key, 'domainPrefix must be lowercase letters, digits, hyphens');
    }
    if (v.featurePlan !== undefined && v.featurePlan !== 'plus' && v.featurePlan !== 'essentials') {
      throw new InvalidContextError(key, 'featurePlan must be "plus" or "essentials"');
    }
    return {
      kind: 'cognito',
      domainPrefix: v.domainPrefix as string | undefined,
      featurePlan: v.featurePlan as 'plus' | 'essentials' | undefined,
    };
  }
  if (v.kind === 'oidc') {
    if (typeof v.issuer !== 'string' || !v.issuer.startsWith('https://')) {
      throw new InvalidContextError(key, 'an oidc identity needs an https "issuer"');
    }
    const audience = v.audience;
    const ok =
      (typeof audience === 'string' && audience.length > 0) ||
      (Array.isArray(audience) && audience.length > 0 && audience.every((a) => typeof a === 'string' && a));
    if (!ok) throw new InvalidContextError(key, 'an oidc identity needs "audience" (a string or a list)');
    return {
      kind: 'oidc',
      issuer: v.issuer,
      audience: audience as string | string[],
      clientId: typeof v.clientId === 'string' ? v.clientId : undefined,
    };
  }
  throw new InvalidContextError(key, `unknown kind ${JSON.stringify(v.kind)} (expected "cognito" or "oidc")`);
}

/** Reads `minsheng:*` context plus `region`, and the account from `CDK_DEFAULT_ACCOUNT`. */
export function readAppConfig(source: ContextSource, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const city = readPlace('minsheng:city', parseJsonIfString(source.tryGetContext('minsheng:city')));
  const rawCounties = parseJsonIfString(source.tryGetContext('minsheng:counties'));
  if (!Array.isArray(rawCounties) || rawCounties.length === 0) {
    throw new InvalidContextError('minsheng:counties', 'expected a non-empty list of {"code", "name"}');
  }
  const counties = rawCounties.map((c, i) => readPlace(`minsheng:counties[${i}]`, c));
  const seen = new Set<string>();
  for (const c of counties) {
    if (seen.has(c.code) || c.code === city.code) {
      throw new InvalidContextError('minsheng:counties', `code ${c.code} appears twice`);
    }
    seen.add(c.code);
  }
  const identity = readIdentity(parseJsonIfString(source.tryGetContext('minsheng:identity')));
  const region = (source.tryGetContext('region') as string | undefined) ?? env.CDK_DEPLOY_REGION;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new InvalidContextError('region', `${JSON.stringify(region)} is not a region name`);
  }
  const account = env.CDK_DEPLOY_ACCOUNT ?? env.CDK_DEFAULT_ACCOUNT;
  const rawOrigins = source.tryGetContext('minsheng:webOrigins');
  const extraWebOrigins =
    rawOrigins === undefined
      ? []
      : (Array.isArray(parseJsonIfString(rawOrigins))
          ? (parseJsonIfString(rawOrigins) as string[])
          : String(rawOrigins).split(',')
        ).map((o) => o.trim());
  for (const o of extraWebOrigins) {
    if (!/^https:\/\/[^/]+$/.test(o))
      throw new InvalidContextError('minsheng:webOrigins', `${o} is not an https origin`);
  }
  const alarmTopic = source.tryGetContext('minsheng:alarmTopic');
  if (
    alarmTopic !== undefined &&
    (typeof alarmTopic !== 'string' || !/^(arn:[\w-]+:sns:[\w-]+:\d{12}:)?[\w-]{1,256}$/.test(alarmTopic))
  )
    throw new InvalidContextError('minsheng:alarmTopic', 'expected an SNS topic ARN or topic name');
  const countyReservedConcurrency = readCount(
    'minsheng:countyReservedConcurrency',
    source.tryGetContext('minsheng:countyReservedConcurrency'),
    DEFAULT_COUNTY_RESERVED_CONCURRENCY,
  );
  const accountConcurrency = readCount(
    'minsheng:accountConcurrency',
    source.tryGetContext('minsheng:accountConcurrency'),
    1000,
  );
  const apiWebAcl = source.tryGetContext('minsheng:apiWebAcl');
  if (
    apiWebAcl !== undefined &&
    (typeof apiWebAcl !== 'string' ||
      !/^arn:[\w-]+:wafv2:us-east-1:\d{12}:global\/webacl\/.+/.test(apiWebAcl))
  )
    throw new InvalidContextError(
      'minsheng:apiWebAcl',
      'expected the ARN of a CLOUDFRONT-scope web ACL (wafv2, us-east-1, global)',
    );
  return {
    city,
    counties,
    identity,
    region,
    account,
    extraWebOrigins,
    alarmTopic: alarmTopic as string | undefined,
    countyReservedConcurrency,
    accountConcurrency,
    apiWebAcl: apiWebAcl as string | undefined,
  };
}

function readCount(key: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new InvalidContextError(key, `expected a whole number >= 0, got ${JSON.stringify(value)}`);
  return n;
}

/** `Minsheng-County-340102`: the county stack's construct id (and default stack name). */
export function countyStackId(code: string): string {
  return `Minsheng-County-${code}`;
}

/** The city stack's construct id. */
export const CITY_STACK_ID = 'Minsheng-City';

/** The API edge stack (CloudFront + AWS WAF in front of the APIs). */
export const EDGE_STACK_ID = 'Minsheng-Edge';

/** The us-east-1 stack holding the API edge's web ACL. */
export const FIREWALL_STACK_ID = 'Minsheng-EdgeFirewall';

/** The stack that writes the web app's `config.json` once every API exists. */
export const WEB_CONFIG_STACK_ID = 'Minsheng-WebConfig';
