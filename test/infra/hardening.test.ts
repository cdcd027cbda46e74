/**
 * The AWS side of the hardening: alarms to one SNS topic (named in cdk.json or created), reserved
 * concurrency per county function within the account's budget, every log group encrypted with a
 * stack key CloudWatch Logs may use, execution logs without execution data, short-lived tokens with
 * revocation, the web app's security headers from the shared definition, and per-client rate limits
 * on a CloudFront edge in front of the APIs with an AWS WAF web ACL keyed on the Authorization header.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedFunctions, FUNCTIONS, type FunctionSpec } from '../../functions/registry';
import {
  CITY_STACK_ID,
  countyStackId,
  DEFAULT_COUNTY_RESERVED_CONCURRENCY,
  EDGE_STACK_ID,
  FIREWALL_STACK_ID,
  InvalidContextError,
  readAppConfig,
  WEB_CONFIG_STACK_ID,
} from '../../infra/config';
import { buildMinsheng } from '../../infra/minsheng-app';
import { contentSecurityPolicy, HSTS_MAX_AGE_SECONDS, WEB_SECURITY } from '../../infra/web-security';
import { buildTestApp, CDK_JSON, FIXTURES, nagFindings, resourcesOf, type TestApp } from './synth';

const CODE = '340102';
const countyFunctions = (FUNCTIONS as readonly FunctionSpec[]).filter((f) => f.stacks.includes('county'));
const cityFunctions = deployedFunctions().filter((f) => f.stacks.includes('city'));

/** Synthesizes with extra cdk.json context (two counties, no bundling, no nag). */
function appWith(context: Record<string, unknown>, region?: string) {
  const app = new App({
    context: {
      ...CDK_JSON.context,
      'minsheng:counties': (CDK_JSON.context['minsheng:counties'] as unknown[]).slice(0, 2),
      'aws:cdk:bundling-stacks': [],
      ...(region ? { region } : {}),
      ...context,
    },
  });
  const stacks = buildMinsheng(app, readAppConfig(app.node, {}), {
    webDistPath: path.join(FIXTURES, 'no-web-dist'),
    nag: false,
  });
  return { app, stacks };
}

describe('alarms', () => {
  let t: TestApp;
  let county: Template;
  let city: Template;
  beforeAll(() => {
    t = buildTestApp({ counties: 2 });
    county = t.template(countyStackId(CODE));
    city = t.template(CITY_STACK_ID);
  });
  afterAll(() => t.cleanup());

  const alarmsOf = (tpl: Template) => resourcesOf(tpl, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it('the city creates one encrypted, TLS-only topic whose key CloudWatch alarms may use', () => {
    city.resourceCountIs('AWS::SNS::Topic', 1);
    city.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    city.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    city.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    for (const tpl of [county, t.template(countyStackId('340103'))])
      tpl.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('a county alarms on dead letters, API 5xx, each function’s errors, failed executions and overdue tasks', () => {
    const alarms = alarmsOf(county);
    const metric = (ns: string, name: string) =>
      alarms.filter((a) => a.Namespace === ns && a.MetricName === name);
    expect(metric('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toHaveLength(1);
    expect(metric('AWS/ApiGateway', '5xx')).toHaveLength(1);
    expect(metric('AWS/ApiGateway', '5xx')[0].Dimensions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: 'ApiId' }),
        { Name: 'Stage', Value: '$default' },
      ]),
    );
    expect(metric('AWS/Lambda', 'Errors')).toHaveLength(countyFunctions.length);
    const overdue = metric('Minsheng', 'TasksOverdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0].Dimensions).toEqual([{ Name: 'County', Value: CODE }]);
    const executions = alarms.filter((a) => a.Metrics);
    expect(executions).toHaveLength(t.counties.get(CODE)!.workflows.stateMachines.size);
    const names = executions[0].Metrics.filter((m: any) => m.MetricStat).map(
      (m: any) => m.MetricStat.Metric.MetricName,
    );
    expect(names.sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    for (const a of alarms) {
      expect(a.Threshold).toBe(0);
      expect(a.ComparisonOperator).toBe('GreaterThanThreshold');
      expect(a.TreatMissingData).toBe('notBreaching');
      expect(a.AlarmActions).toHaveLength(1);
      expect(a.OKActions).toEqual(a.AlarmActions);
      // The city's topic, through a cross-stack reference.
      expect(JSON.stringify(a.AlarmActions)).toContain('Fn::ImportValue');
    }
  });

  it('the city alarms on its own functions, API and dead letters, without an overdue-tasks alarm', () => {
    const alarms = alarmsOf(city);
    expect(alarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(cityFunctions.length);
    expect(alarms.filter((a) => a.MetricName === '5xx')).toHaveLength(1);
    expect(alarms.filter((a) => a.MetricName === 'TasksOverdue')).toHaveLength(0);
  });

  it('sends every alarm to the topic named in minsheng:alarmTopic instead of creating one', () => {
    const arn = 'arn:aws-cn:sns:cn-north-1:123456789012:ops-alarms';
    const { stacks } = appWith({ 'minsheng:alarmTopic': arn });
    const cityTpl = Template.fromStack(stacks.city);
    cityTpl.resourceCountIs('AWS::SNS::Topic', 0);
    const countyAlarms = Template.fromStack(stacks.counties.get(CODE)!).findResources(
      'AWS::CloudWatch::Alarm',
    );
    for (const a of Object.values(countyAlarms)) expect(a.Properties.AlarmActions).toEqual([arn]);
    const byName = appWith({ 'minsheng:alarmTopic': 'ops-alarms' });
    const named = Object.values(
      Template.fromStack(byName.stacks.city).findResources('AWS::CloudWatch::Alarm'),
    )[0].Properties.AlarmActions[0];
    // The partition, region and account come from the deployment, never written out.
    expect(JSON.stringify(named)).toContain('AWS::Partition');
    expect(JSON.stringify(named)).toContain(':ops-alarms');
    expect(() => appWith({ 'minsheng:alarmTopic': 'not a topic!' })).toThrow(InvalidContextError);
  });
});

describe('reserved concurrency', () => {
  it('reserves the default for every county function and none for the city', () => {
    const { stacks } = appWith({});
    const fns = resourcesOf(Template.fromStack(stacks.counties.get(CODE)!), 'AWS::Lambda::Function');
    const reserved = fns.map(([, f]) => f.Properties.ReservedConcurrentExecutions);
    expect(reserved.filter((r) => r === DEFAULT_COUNTY_RESERVED_CONCURRENCY)).toHaveLength(
      countyFunctions.length,
    );
    for (const [, f] of resourcesOf(Template.fromStack(stacks.city), 'AWS::Lambda::Function'))
      expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('takes minsheng:countyReservedConcurrency, 0 turning it off', () => {
    const five = appWith({ 'minsheng:countyReservedConcurrency': 5 });
    const values = resourcesOf(
      Template.fromStack(five.stacks.counties.get(CODE)!),
      'AWS::Lambda::Function',
    ).map(([, f]) => f.Properties.ReservedConcurrentExecutions);
    expect(values.filter((v) => v === 5)).toHaveLength(countyFunctions.length);
    const none = appWith({ 'minsheng:countyReservedConcurrency': 0 });
    for (const [, f] of resourcesOf(
      Template.fromStack(none.stacks.counties.get(CODE)!),
      'AWS::Lambda::Function',
    ))
      expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('fails the synth when the reservations would not fit the account', () => {
    // 2 counties × county functions × 100 > 1000 - 100.
    expect(() => appWith({ 'minsheng:countyReservedConcurrency': 100 })).toThrow(/reservable/);
    expect(() =>
      appWith({ 'minsheng:countyReservedConcurrency': 100, 'minsheng:accountConcurrency': 5000 }),
    ).not.toThrow();
    expect(() => appWith({ 'minsheng:countyReservedConcurrency': -1 })).toThrow(InvalidContextError);
  });
});

describe('logs', () => {
  let t: TestApp;
  beforeAll(() => {
    t = buildTestApp({ counties: 1 });
  });
  afterAll(() => t.cleanup());

  it('encrypts every log group of the city and county stacks with the stack’s rotating key', () => {
    for (const id of [CITY_STACK_ID, countyStackId(CODE)]) {
      const tpl = t.template(id);
      const groups = resourcesOf(tpl, 'AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThan(3);
      const keyIds = new Set(groups.map(([, g]) => JSON.stringify(g.Properties.KmsKeyId)));
      expect(keyIds.size, id).toBe(1);
      expect([...keyIds][0]).toContain('LogsKey');
    }
  });

  it('lets CloudWatch Logs of this region use the key, for this account’s log groups only', () => {
    const tpl = t.template(countyStackId(CODE));
    const [, key] = resourcesOf(tpl, 'AWS::KMS::Key').find(([id]) => id.startsWith('LogsKey'))!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const stmt = key.Properties.KeyPolicy.Statement.find(
      (s: any) => s.Sid === 'CloudWatchLogsOfThisAccountAndRegion',
    );
    expect(JSON.stringify(stmt.Principal)).toContain('logs');
    expect(JSON.stringify(stmt.Principal)).toContain('AWS::URLSuffix');
    expect(stmt.Action).toContain('kms:GenerateDataKey*');
    const arn = JSON.stringify(stmt.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']);
    expect(arn).toContain(':logs:');
    expect(arn).toContain('log-group:*');
  });
});

describe('identity tokens', () => {
  it('are short-lived and revocable', () => {
    const t = buildTestApp({ counties: 1 });
    try {
      t.template(CITY_STACK_ID).hasResourceProperties('AWS::Cognito::UserPoolClient', {
        EnableTokenRevocation: true,
        IdTokenValidity: 15,
        AccessTokenValidity: 15,
        TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes' },
      });
    } finally {
      t.cleanup();
    }
  });
});

describe('web security headers', () => {
  it('CloudFront’s policy carries the values of infra/web-security.ts', () => {
    const t = buildTestApp({ counties: 1 });
    try {
      const [, policy] = resourcesOf(t.template(CITY_STACK_ID), 'AWS::CloudFront::ResponseHeadersPolicy')[0];
      const sec = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
      expect(sec.FrameOptions.FrameOption).toBe(WEB_SECURITY.frameOptions);
      expect(sec.ReferrerPolicy.ReferrerPolicy).toBe(WEB_SECURITY.referrerPolicy);
      expect(sec.StrictTransportSecurity.AccessControlMaxAgeSec).toBe(HSTS_MAX_AGE_SECONDS);
      expect(sec.ContentTypeOptions.Override).toBe(true);
      // The CSP joins tokens (the region) into connect-src; every other directive is the shared text.
      const csp = JSON.stringify(sec.ContentSecurityPolicy.ContentSecurityPolicy);
      for (const directive of contentSecurityPolicy()
        .split('; ')
        .filter((d) => !d.startsWith('connect-src')))
        expect(csp).toContain(directive);
    } finally {
      t.cleanup();
    }
  });
});

describe('per-client rate limits at the API edge', () => {
  let t: TestApp;
  beforeAll(() => {
    t = buildTestApp({ counties: 2, region: 'ap-east-1', nag: true });
    t.app.synth();
  });
  afterAll(() => t.cleanup());

  it('creates the web ACL in us-east-1 with a rate rule keyed on the Authorization header and one per IP', () => {
    expect(t.firewall?.region).toBe('us-east-1');
    const acl = t.template(FIREWALL_STACK_ID);
    acl.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'PerTokenRate',
          Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
          Statement: {
            RateBasedStatement: {
              AggregateKeyType: 'CUSTOM_KEYS',
              CustomKeys: [
                { Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
              ],
              Limit: 300,
              EvaluationWindowSec: 60,
            },
          },
        }),
        Match.objectLike({
          Name: 'PerIpRate',
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 3000 } },
        }),
      ],
    });
  });

  it('routes /api and each /county/<code>/api through CloudFront with the ACL, no caching, headers but Host forwarded', () => {
    const edge = t.template(EDGE_STACK_ID);
    const [, dist] = resourcesOf(edge, 'AWS::CloudFront::Distribution')[0];
    const cfg = dist.Properties.DistributionConfig;
    expect(cfg.WebACLId).toBeDefined();
    const patterns = cfg.CacheBehaviors.map((b: any) => b.PathPattern).sort();
    expect(patterns).toEqual(['/api/*', '/county/340102/api/*', '/county/340103/api/*']);
    for (const b of [cfg.DefaultCacheBehavior, ...cfg.CacheBehaviors]) {
      // Managed policies: CachingDisabled and AllViewerExceptHostHeader.
      expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(b.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
      expect(b.AllowedMethods).toContain('POST');
      expect(b.ViewerProtocolPolicy).toBe('https-only');
      expect(b.FunctionAssociations[0].EventType).toBe('viewer-request');
    }
    expect(cfg.Logging).toBeDefined();
  });

  it('strips the prefix the web app uses before the API sees the path', async () => {
    const edge = t.template(EDGE_STACK_ID);
    const [, fn] = resourcesOf(edge, 'AWS::CloudFront::Function')[0];
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (e: unknown) => {
      uri: string;
    };
    const uri = (u: string) => handler({ request: { uri: u } }).uri;
    expect(uri('/api/tasks')).toBe('/tasks');
    expect(uri('/api')).toBe('/');
    expect(uri('/county/340102/api/tasks/abc/complete')).toBe('/tasks/abc/complete');
    expect(uri('/county/hf-gxq/api/health')).toBe('/health');
    expect(uri('/apiary')).toBe('/apiary');
  });

  it('points the web app at the edge and lets it connect there', () => {
    // config.json is an asset whose URLs are filled in at deployment from the edge stack's outputs.
    const deploy = Object.values(
      t.template(WEB_CONFIG_STACK_ID).findResources('Custom::CDKBucketDeployment'),
    )[0] as { Properties: Record<string, unknown> };
    expect(JSON.stringify(deploy.Properties)).toContain(EDGE_STACK_ID);
    const configs: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === 'config.json') configs.push(fs.readFileSync(p, 'utf8'));
      }
    };
    walk(t.outdir);
    const config = configs.find((c) => c.includes('/county/340102/api'));
    expect(config).toBeDefined();
    expect(config).toContain('/county/340103/api');
    const city = JSON.stringify(t.template(CITY_STACK_ID).toJSON());
    expect(city).toContain('https://*.cloudfront.net');
  });

  it('leaves no cdk-nag finding and no literal arn:aws: in any template', () => {
    const stacks = t.app.node.children.filter((c): c is Stack => c instanceof Stack);
    expect(stacks.map((s) => s.node.id)).toEqual(expect.arrayContaining([EDGE_STACK_ID, FIREWALL_STACK_ID]));
    for (const s of stacks) expect(nagFindings(s), s.stackName).toEqual([]);
    const dir = t.app.synth().directory;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.template.json')))
      expect(fs.readFileSync(path.join(dir, f), 'utf8').includes('arn:aws:'), f).toBe(false);
  });

  it('uses the web ACL named in minsheng:apiWebAcl, creating none', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/minsheng/0123abcd';
    const { stacks } = appWith({ 'minsheng:apiWebAcl': arn }, 'ap-east-1');
    expect(stacks.firewall).toBeUndefined();
    const cfg = Object.values(
      Template.fromStack(stacks.edge!).findResources('AWS::CloudFront::Distribution'),
    )[0].Properties.DistributionConfig;
    expect(cfg.WebACLId).toBe(arn);
    expect(() => appWith({ 'minsheng:apiWebAcl': 'arn:aws:wafv2:eu-west-1:1:regional/webacl/x/y' })).toThrow(
      InvalidContextError,
    );
  });

  it('has no edge where CloudFront takes no web ACL (China) or the region is unknown', () => {
    for (const region of ['cn-north-1', undefined]) {
      const { stacks } = appWith({}, region);
      expect(stacks.edge, String(region)).toBeUndefined();
      expect(stacks.firewall, String(region)).toBeUndefined();
    }
  });
});
