import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_DEFINITION } from '../../functions/core/table';
import { EVENT_RULES, SCHEDULES } from '../../functions/events';
import { FUNCTIONS, type FunctionSpec } from '../../functions/registry';
import { ROUTES } from '../../functions/routes';
import { countyStackId } from '../../infra/config';
import { effectiveAccess } from '../../infra/constructs/function-set';
import type { CountyStack } from '../../infra/stacks/county-stack';
import { buildTestApp, FIXTURES, resourcesOf, type TestApp } from './synth';

const CODE = '340102';
let t: TestApp;
let county: CountyStack;
let tpl: Template;

beforeAll(() => {
  t = buildTestApp({ counties: 2, extraEntries: true });
  county = t.counties.get(CODE)!;
  tpl = t.template(countyStackId(CODE));
});
afterAll(() => t.cleanup());

function fnLogicalId(id: string, stack: Stack = county): string {
  const fn = (stack as CountyStack).functions.byId.get(id);
  if (!fn) throw new Error(`no function ${id} in ${stack.stackName}`);
  return stack.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction);
}

function lambdaProps(id: string) {
  return tpl.toJSON().Resources[fnLogicalId(id)].Properties;
}

/** All IAM actions granted to a function's role (every policy attached to it). */
function actionsOf(id: string): string[] {
  const roleId = county.getLogicalId(county.functions.byId.get(id)!.role.node.defaultChild as any);
  const actions: string[] = [];
  for (const [, p] of resourcesOf(tpl, 'AWS::IAM::Policy')) {
    if (!p.Properties.Roles.some((r: any) => r.Ref === roleId)) continue;
    for (const s of p.Properties.PolicyDocument.Statement) actions.push(...[s.Action].flat());
  }
  return actions;
}

const countyFunctions = (FUNCTIONS as readonly FunctionSpec[]).filter((f) => f.stacks.includes('county'));

describe('county table', () => {
  it('is on-demand with point-in-time recovery, the shared keys, GSIs and TTL, and is retained', () => {
    tpl.resourceCountIs('AWS::DynamoDB::Table', 1);
    tpl.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.ttlAttribute, Enabled: true },
        GlobalSecondaryIndexes: TABLE_DEFINITION.indexes.map((ix) => ({
          IndexName: ix.name,
          KeySchema: [
            { AttributeName: ix.partitionKey, KeyType: 'HASH' },
            { AttributeName: ix.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    });
  });

  it('keeps the logical ids recorded in the fixture, so no refactor replaces a table', () => {
    const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'table-logical-ids.json'), 'utf8'));
    expect(Object.keys(tpl.findResources('AWS::DynamoDB::Table'))).toEqual([expected.county]);
    const city = t.template('Minsheng-City');
    expect(Object.keys(city.findResources('AWS::DynamoDB::Table'))).toEqual([expected.city]);
  });
});

describe('county functions', () => {
  it('deploys one function per registry entry of the county stack (fixture entries included)', () => {
    for (const spec of countyFunctions) expect(county.functions.byId.has(spec.id), spec.id).toBe(true);
    expect(county.functions.byId.has('FixtureEcho')).toBe(true);
    expect(county.functions.byId.has('AuthLogin')).toBe(false);
  });

  it('runs every function on arm64 with nodejs 22 or newer, with the stack environment', () => {
    for (const id of county.functions.byId.keys()) {
      const p = lambdaProps(id);
      expect(p.Architectures, id).toEqual(['arm64']);
      expect(Number(/^nodejs(\d+)\.x$/.exec(p.Runtime)?.[1]), id).toBeGreaterThanOrEqual(22);
      expect(p.Environment.Variables, id).toMatchObject({
        STACK_KIND: 'county',
        COUNTY_CODE: CODE,
        COUNTY_NAME: '瑶海区',
        CITY_CODE: '340100',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(p.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(p.LoggingConfig.LogFormat, id).toBe('JSON');
    }
  });

  it('sets TABLE_NAME, EVENT_BUS_NAME and STATE_MACHINE_ARNS exactly for the access a function has', () => {
    for (const [id, fn] of county.functions.byId) {
      const env = lambdaProps(id).Environment.Variables;
      const access = effectiveAccess(fn.spec, county.workflows.invokedFunctionIds.has(id));
      const hasTable = access.has('table:read') || access.has('table:readWrite');
      expect('TABLE_NAME' in env, `${id} TABLE_NAME`).toBe(hasTable);
      if (hasTable)
        expect(env.TABLE_NAME).toEqual({
          Ref: county.getLogicalId(county.data.table.node.defaultChild as any),
        });
      expect('EVENT_BUS_NAME' in env, `${id} EVENT_BUS_NAME`).toBe(access.has('events:publish'));
      expect('STATE_MACHINE_ARNS' in env, `${id} STATE_MACHINE_ARNS`).toBe(access.has('workflows:start'));
    }
  });

  it('grants least privilege: no table access without a declaration, read-only stays read-only', () => {
    const health = actionsOf('Health');
    expect(health.some((a) => a.startsWith('dynamodb:'))).toBe(false);
    expect(health.some((a) => a.startsWith('states:') || a.startsWith('events:'))).toBe(false);
    const reader = actionsOf('FixtureEcho');
    expect(reader).toContain('dynamodb:Query');
    expect(reader.some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/.test(a))).toBe(
      false,
    );
  });

  it('gives a function without declared access the stack defaults', () => {
    const env = lambdaProps('FixtureDefaults').Environment.Variables;
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'EVENT_BUS_NAME', 'STATE_MACHINE_ARNS']),
    );
    const actions = actionsOf('FixtureDefaults');
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:PutItem',
        'events:PutEvents',
        'states:StartExecution',
        'states:SendTaskSuccess',
      ]),
    );
  });

  it('lets a starter start the state machines of its own stack only and publish to the city bus', () => {
    const starter = countyFunctions.find((f) => f.access?.includes('workflows:start'));
    expect(starter, 'a registry entry with workflows:start').toBeDefined();
    const env = lambdaProps(starter!.id).Environment.Variables;
    const arns = JSON.stringify(env.STATE_MACHINE_ARNS);
    for (const [wfId, sm] of county.workflows.stateMachines) {
      expect(arns).toContain(wfId);
      expect(arns).toContain(county.getLogicalId(sm.node.defaultChild as any));
    }
    const policies = resourcesOf(tpl, 'AWS::IAM::Policy').map(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument),
    );
    const start = policies.find((p) => p.includes('states:StartExecution'))!;
    expect(start).toContain('"Ref":"WorkflowsAllocationStateMachine');
    const put = policies.find((p) => p.includes('events:PutEvents'))!;
    expect(put).toContain('Fn::ImportValue');
  });

  it("lets every publisher put events only with its own county's source (consumers trust the source)", () => {
    const statements = resourcesOf(tpl, 'AWS::IAM::Policy').flatMap(
      ([, p]) => p.Properties.PolicyDocument.Statement,
    );
    const puts = statements.filter((st: any) => [st.Action].flat().includes('events:PutEvents'));
    expect(puts.length).toBeGreaterThan(3);
    for (const st of puts) {
      expect(st.Condition).toEqual({ StringEquals: { 'events:source': [`minsheng.county.${CODE}`] } });
    }
  });
});

describe('county state machines', () => {
  it('creates one state machine per workflow, logging ALL without execution data (no task tokens, no personal data) and X-Ray tracing', () => {
    expect(county.workflows.stateMachines.size).toBeGreaterThan(0);
    tpl.resourceCountIs('AWS::StepFunctions::StateMachine', county.workflows.stateMachines.size);
    tpl.allResourcesProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: true },
      StateMachineType: 'STANDARD',
    });
  });

  it('resolves the Partition and <Id>Arn placeholders through definition substitutions and may invoke exactly those functions', () => {
    for (const [, sm] of resourcesOf(tpl, 'AWS::StepFunctions::StateMachine')) {
      const subs = sm.Properties.DefinitionSubstitutions as Record<string, unknown>;
      expect(subs.Partition).toEqual({ Ref: 'AWS::Partition' });
      const fnSubs = Object.keys(subs).filter((k) => k !== 'Partition');
      expect(fnSubs).toContain('OpenTaskArn');
      const roleId = sm.Properties.RoleArn['Fn::GetAtt'][0];
      const invoke = resourcesOf(tpl, 'AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((s: any) => s.Action === 'lambda:InvokeFunction');
      const resources = invoke.flatMap((s: any) => [s.Resource].flat());
      for (const name of fnSubs) {
        const id = name.replace(/Arn$/, '');
        expect(subs[name]).toEqual({ 'Fn::GetAtt': [fnLogicalId(id), 'Arn'] });
        expect(resources).toContainEqual({ 'Fn::GetAtt': [fnLogicalId(id), 'Arn'] });
      }
      expect(resources).toHaveLength(fnSubs.length);
    }
  });
});

describe('county HTTP API', () => {
  const countyRoutes = ROUTES.filter((r) => r.api === 'county');

  it('has every county route of the table plus fixture routes, JWT-authorized unless auth is none', () => {
    const routes = resourcesOf(tpl, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    for (const spec of [...countyRoutes, { method: 'GET', path: '/fixture/{id}', auth: 'jwt' } as const]) {
      const r = routes.find((x) => x.RouteKey === `${spec.method} ${spec.path}`);
      expect(r, `${spec.method} ${spec.path}`).toBeDefined();
      expect(r!.AuthorizationType, spec.path).toBe(spec.auth === 'none' ? 'NONE' : 'JWT');
      if (spec.auth !== 'none') expect(r!.AuthorizerId).toBeDefined();
    }
    expect(routes).toHaveLength(countyRoutes.length + 1);
    const health = routes.find((x) => x.RouteKey === 'GET /health');
    expect(health.AuthorizationType).toBe('NONE');
  });

  it('trusts the city identity: issuer from the user pool, audience the web client', () => {
    const [[, auth]] = resourcesOf(tpl, 'AWS::ApiGatewayV2::Authorizer');
    expect(auth.Properties.AuthorizerType).toBe('JWT');
    expect(JSON.stringify(auth.Properties.JwtConfiguration.Issuer)).toContain('ProviderURL');
    expect(JSON.stringify(auth.Properties.JwtConfiguration.Audience)).toContain('IdentityUserPoolWebClient');
  });

  it('logs access as JSON to a log group and throttles the default stage', () => {
    const [[, stage]] = resourcesOf(tpl, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AutoDeploy).toBe(true);
    expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'],
    });
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: expect.any(Number),
      ThrottlingBurstLimit: expect.any(Number),
    });
  });

  it('allows CORS from the web app origin', () => {
    const [[, api]] = resourcesOf(tpl, 'AWS::ApiGatewayV2::Api');
    const cors = JSON.stringify(api.Properties.CorsConfiguration.AllowOrigins);
    expect(cors).toContain('WebDistribution');
    expect(api.Properties.CorsConfiguration.AllowHeaders).toContain('authorization');
  });
});

describe('county rules and schedules', () => {
  it('puts a rule for each county EVENT_RULE, on the bus its origin publishes to, targeting its function with a DLQ', () => {
    const rules = resourcesOf(tpl, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    const specs = [
      ...EVENT_RULES.filter((r) => r.stack === 'county'),
      { from: ['city'], detailType: ['FixtureHappened'], fn: 'FixtureEcho' },
    ];
    expect(rules).toHaveLength(specs.length);
    for (const spec of specs) {
      const rule = rules.find(
        (r) =>
          JSON.stringify(r.EventPattern['detail-type']) === JSON.stringify(spec.detailType) &&
          r.Targets[0].Arn['Fn::GetAtt'][0] === fnLogicalId(spec.fn),
      );
      expect(rule, spec.fn).toBeDefined();
      expect(rule.Targets[0].DeadLetterConfig.Arn).toBeDefined();
      if (spec.from.includes('stepFunctions')) {
        // Step Functions' events come on the account's default bus, only this stack's machines'.
        expect(rule.EventBusName).toBe('default');
        expect(rule.EventPattern.source).toEqual(['aws.states']);
        expect(JSON.stringify(rule.EventPattern.detail.stateMachineArn)).toMatch(/StateMachine/);
      } else {
        expect(JSON.stringify(rule.EventBusName)).toContain('Fn::ImportValue');
        const expected = spec.from.map((o) => (o === 'city' ? 'minsheng.city' : `minsheng.county.${CODE}`));
        expect(rule.EventPattern.source).toEqual(expected);
      }
    }
  });

  it('schedules each county SCHEDULE with Scheduler in Asia/Shanghai', () => {
    const specs = SCHEDULES.filter((s) => s.stack === 'county');
    const schedules = resourcesOf(tpl, 'AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
    expect(schedules).toHaveLength(specs.length);
    for (const spec of specs) {
      const s = schedules.find(
        (x) =>
          x.ScheduleExpression === `cron(${spec.cron})` &&
          x.Target.Arn['Fn::GetAtt'][0] === fnLogicalId(spec.fn),
      );
      expect(s, spec.id).toBeDefined();
      expect(s.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
      expect(s.Target.DeadLetterConfig.Arn).toBeDefined();
    }
  });

  it('exports the API URL', () => {
    const outputs = tpl.findOutputs('ApiUrl');
    expect(Object.keys(outputs)).toHaveLength(1);
    expect(JSON.stringify(outputs)).toContain('execute-api');
  });
});
