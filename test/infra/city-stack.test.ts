import fs from 'node:fs';
import path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedRoutes, ROUTES } from '../../functions/routes';
import { countyStackId } from '../../infra/config';
import { ROLES } from '../../infra/constructs/identity';
import { buildTestApp, resourcesOf, type TestApp, WEB_DIST_FIXTURE } from './synth';

describe('city stack with Cognito', () => {
  let t: TestApp;
  let tpl: Template;
  beforeAll(() => {
    t = buildTestApp({ counties: 1, extraEntries: true, webDistPath: WEB_DIST_FIXTURE });
    tpl = t.template('Minsheng-City');
  });
  afterAll(() => t.cleanup());

  it('has a user pool with custom org and county attributes, required TOTP MFA and the Plus plan', () => {
    tpl.resourceCountIs('AWS::Cognito::UserPool', 1);
    tpl.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'org', AttributeDataType: 'String', Mutable: true }),
          Match.objectLike({ Name: 'county', AttributeDataType: 'String', Mutable: true }),
        ]),
      }),
    });
  });

  it('has one group per role', () => {
    const groups = resourcesOf(tpl, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(ROLES.map((r) => r.id).sort());
    expect(groups).toEqual(
      expect.arrayContaining([
        'city_office',
        'city_dept',
        'county_office',
        'project_unit',
        'supervisor',
        'inspector',
        'admin',
      ]),
    );
  });

  it('has a public PKCE web client that can read but not write custom:org and custom:county', () => {
    const [[, client]] = resourcesOf(tpl, 'AWS::Cognito::UserPoolClient');
    const p = client.Properties;
    expect(p.GenerateSecret).toBe(false);
    expect(p.AllowedOAuthFlows).toEqual(['code']);
    expect(p.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(p.ReadAttributes).toEqual(expect.arrayContaining(['custom:org', 'custom:county']));
    // An absent or empty WriteAttributes would make every attribute writable.
    expect(p.WriteAttributes.length).toBeGreaterThan(0);
    expect(p.WriteAttributes).not.toContain('custom:org');
    expect(p.WriteAttributes).not.toContain('custom:county');
    expect(JSON.stringify(p.CallbackURLs)).toContain('WebDistribution');
  });

  it('owns the event bus the counties publish to', () => {
    tpl.resourceCountIs('AWS::Events::EventBus', 1);
    tpl.resourceCountIs('AWS::Events::Archive', 1);
    const county = t.template(countyStackId('340102'));
    const put = resourcesOf(county, 'AWS::IAM::Policy')
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => s.Action === 'events:PutEvents');
    expect(put.length).toBeGreaterThan(0);
    for (const s of put) expect(JSON.stringify(s.Resource)).toMatch(/Fn::ImportValue.*EventsBus/);
  });

  it('has the city table, the city functions and the city routes behind the JWT authorizer', () => {
    tpl.resourceCountIs('AWS::DynamoDB::Table', 1);
    const routes = resourcesOf(tpl, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const cityRoutes = deployedRoutes().filter((r) => r.api === 'city');
    expect(routes).toHaveLength(cityRoutes.length + 1);
    // Twin-only routes (password login against the local issuer) never reach AWS.
    for (const spec of ROUTES.filter((r) => 'twinOnly' in r && r.twinOnly)) {
      expect(routes.find((x) => x.RouteKey === `${spec.method} ${spec.path}`)).toBeUndefined();
    }
    expect(ROUTES.some((r) => 'twinOnly' in r && r.twinOnly)).toBe(true);
    for (const spec of cityRoutes) {
      const r = routes.find((x) => x.RouteKey === `${spec.method} ${spec.path}`);
      expect(r!.AuthorizationType, spec.path).toBe(spec.auth === 'none' ? 'NONE' : 'JWT');
    }
    expect(routes.find((x) => x.RouteKey === 'POST /fixture')!.AuthorizationType).toBe('JWT');
    const [[, stage]] = resourcesOf(tpl, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
    expect(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
  });

  it('runs the city rules and schedules (fixture schedule with its input, Asia/Shanghai)', () => {
    const s = resourcesOf(tpl, 'AWS::Scheduler::Schedule')
      .map(([, x]) => x.Properties)
      .find((x) => x.ScheduleExpression === 'cron(0 9 1 * ? *)');
    expect(s.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
    expect(JSON.parse(s.Target.Input)).toEqual({ kind: 'monthly' });
    expect(resourcesOf(tpl, 'AWS::Events::Rule').length).toBeGreaterThan(0);
  });

  it('matches county events on the city bus by a flat source prefix', () => {
    const patterns = resourcesOf(tpl, 'AWS::Events::Rule').map(([, r]) => r.Properties.EventPattern);
    const fromCounties = patterns.filter((p) => JSON.stringify(p.source).includes('minsheng.county.'));
    expect(fromCounties.length).toBeGreaterThan(0);
    for (const p of fromCounties) {
      for (const s of p.source)
        expect(typeof s === 'string' || (typeof s === 'object' && !Array.isArray(s))).toBe(true);
      expect(p.source).toContainEqual({ prefix: 'minsheng.county.' });
    }
  });

  it('keeps the web bucket private, versioned and TLS-only', () => {
    tpl.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
    const policies = resourcesOf(tpl, 'AWS::S3::BucketPolicy').map(([, p]) => JSON.stringify(p.Properties));
    expect(policies.length).toBe(2);
    for (const p of policies) expect(p).toContain('"aws:SecureTransport":"false"');
    expect(policies.some((p) => p.includes('cloudfront.amazonaws.com'))).toBe(true);
  });

  it('serves the app through CloudFront with OAC, index.html, SPA fallback and security headers', () => {
    tpl.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    tpl.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
    tpl.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentSecurityPolicy: Match.objectLike({ ContentSecurityPolicy: Match.anyValue() }),
        }),
      }),
    });
  });

  it('deploys web/dist when it exists, leaving config.json to the WebConfig stack', () => {
    const [[, dep]] = resourcesOf(tpl, 'Custom::CDKBucketDeployment');
    expect(dep.Properties.Exclude).toEqual(['config.json']);
    expect(dep.Properties.Prune).toBe(true);
    const cfg = t.template('Minsheng-WebConfig');
    const [[, write]] = resourcesOf(cfg, 'Custom::CDKBucketDeployment');
    expect(write.Properties.Prune).toBe(false);
    const markers = JSON.stringify(write.Properties.SourceMarkers);
    expect(markers).toContain('Minsheng-County-340102');
    expect(markers).toContain('UserPoolWebClient');
    // The written document has the twin's shape, org names included (same builder as the gateway).
    const written = fs
      .readdirSync(t.outdir)
      .map((d) => path.join(t.outdir, d, 'config.json'))
      .filter((f) => fs.existsSync(f))
      .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
    expect(written).toHaveLength(1);
    expect(Object.keys(written[0]).sort()).toEqual(['auth', 'cityApi', 'counties', 'orgs']);
    expect(written[0].orgs).toContainEqual({
      id: 'dept_yb',
      name: '医疗保障局',
      nameEn: 'Healthcare Security Bureau',
    });
  });

  it('exports the API URL, the user pool ids and the web URL', () => {
    const outputs = Object.keys(tpl.toJSON().Outputs);
    expect(outputs).toEqual(
      expect.arrayContaining(['ApiUrl', 'WebUrl', 'UserPoolId', 'UserPoolClientId', 'JwtIssuer']),
    );
  });
});

describe('city stack without web/dist', () => {
  it('skips the deployment and says so', () => {
    const t = buildTestApp({ counties: 1 });
    try {
      const tpl = t.template('Minsheng-City');
      tpl.resourceCountIs('Custom::CDKBucketDeployment', 0);
      const warnings = t.city.web.node.metadata.filter((m) => m.type === 'aws:cdk:warning');
      expect(JSON.stringify(warnings)).toContain('does not exist');
    } finally {
      t.cleanup();
    }
  });
});

describe('identity from an external OIDC issuer', () => {
  it('creates no user pool and points every JWT authorizer at the issuer and audience', () => {
    const issuer = 'https://sso.example.gov.cn/realms/hefei';
    const t = buildTestApp({ counties: 2, identity: { kind: 'oidc', issuer, audience: 'minsheng-web' } });
    try {
      const city = t.template('Minsheng-City');
      city.resourceCountIs('AWS::Cognito::UserPool', 0);
      for (const id of ['Minsheng-City', countyStackId('340102'), countyStackId('340103')]) {
        t.template(id).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          AuthorizerType: 'JWT',
          JwtConfiguration: { Issuer: issuer, Audience: ['minsheng-web'] },
        });
      }
      expect(t.city.identity.webAuth).toMatchObject({ kind: 'oidc', issuer, clientId: 'minsheng-web' });
    } finally {
      t.cleanup();
    }
  });
});
