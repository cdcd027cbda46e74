import * as path from 'node:path';
import { Annotations, Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EVENT_RULES, type EventRuleSpec, SCHEDULES, type ScheduleSpec } from '../../functions/events';
import { deployedFunctions, type FunctionSpec } from '../../functions/registry';
import { deployedRoutes, type RouteSpec } from '../../functions/routes';
import type { CityConfig, IdentityConfig } from '../config';
import { DeadLetters } from '../constructs/dead-letters';
import { MinshengEventBus } from '../constructs/event-bus';
import { EventSubscriptions } from '../constructs/event-subscriptions';
import { PROJECT_ROOT } from '../constructs/function';
import { bindAccess, FunctionSet } from '../constructs/function-set';
import { MinshengHttpApi } from '../constructs/http-api';
import { MinshengIdentity } from '../constructs/identity';
import { MinshengTable } from '../constructs/table';
import { WebHosting } from '../constructs/web-hosting';
import { MinshengWorkflows } from '../constructs/workflows';

/** Properties of {@link CityStack}. */
export interface CityStackProps extends StackProps {
  readonly city: CityConfig;
  readonly identity: IdentityConfig;
  /** Origins besides the CloudFront URL the web app is served from (custom domains). @default none */
  readonly extraWebOrigins?: readonly string[];
  /** The built web app. @default `<repo>/web/dist` */
  readonly webDistPath?: string;
  /** @default deployedFunctions() of functions/registry.ts (twin-only entries skipped) */
  readonly functions?: readonly FunctionSpec[];
  /** @default deployedRoutes() of functions/routes.ts (twin-only routes skipped) */
  readonly routes?: readonly RouteSpec[];
  /** @default EVENT_RULES of functions/events.ts */
  readonly eventRules?: readonly EventRuleSpec[];
  /** @default SCHEDULES of functions/events.ts */
  readonly schedules?: readonly ScheduleSpec[];
}

/**
 * The city: identity (Cognito user pool, or trust in an external OIDC issuer), the event bus every
 * stack publishes to, the city table (cross-county read model), the city functions and HTTP API, the
 * city's rules and schedules, and the web app behind CloudFront.
 */
export class CityStack extends Stack {
  readonly web: WebHosting;
  readonly identity: MinshengIdentity;
  readonly events: MinshengEventBus;
  readonly data: MinshengTable;
  readonly functions: FunctionSet;
  readonly workflows: MinshengWorkflows;
  readonly api: MinshengHttpApi;
  readonly subscriptions: EventSubscriptions;
  readonly deadLetters: DeadLetters;
  /** Origins the APIs accept (CORS): the CloudFront URL and any extra ones. */
  readonly webOrigins: readonly string[];

  constructor(scope: Construct, id: string, props: CityStackProps) {
    super(scope, id, { description: `Minsheng 民生 city ${props.city.code} ${props.city.name}`, ...props });
    const kind = 'city';
    const apiHosts = `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const identityHosts =
      props.identity.kind === 'oidc'
        ? [new URL(props.identity.issuer).origin]
        : [`https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`, 'https://*.amazoncognito.com'];
    this.web = new WebHosting(this, 'Web', {
      distPath: props.webDistPath ?? path.join(PROJECT_ROOT, 'web', 'dist'),
      connectSources: [apiHosts, ...identityHosts],
    });
    this.webOrigins = [this.web.url, ...(props.extraWebOrigins ?? [])];
    this.identity = new MinshengIdentity(this, 'Identity', {
      config: props.identity,
      webUrl: this.web.url,
      extraWebUrls: props.extraWebOrigins,
    });
    if (props.identity.kind === 'cognito' && !props.identity.domainPrefix) {
      Annotations.of(this.identity).addWarningV2(
        'minsheng:cognito-domain',
        'minsheng:identity has no domainPrefix: no Cognito hosted sign-in domain is created, so the web app cannot sign in until one is set.',
      );
    }
    if (props.identity.kind === 'cognito' && this.region.startsWith('cn-')) {
      Annotations.of(this.identity).addWarningV2(
        'minsheng:cognito-china',
        'Cognito user pools are not offered in the China regions; set minsheng:identity to {"kind":"oidc", ...} for cn-north-1 / cn-northwest-1.',
      );
    }
    this.events = new MinshengEventBus(this, 'Events');
    this.data = new MinshengTable(this, 'Data');
    this.functions = new FunctionSet(this, 'Functions', {
      kind,
      specs: props.functions ?? deployedFunctions(),
      environment: { STACK_KIND: kind, CITY_CODE: props.city.code },
    });
    // No state machines in the city: 'workflows:start' yields STATE_MACHINE_ARNS = {} and no grant;
    // 'workflows:respond' (SendTask*, not resource-scoped) is granted as declared.
    this.workflows = new MinshengWorkflows(this, 'Workflows', {
      workflows: [],
      functions: this.functions.byId,
    });
    bindAccess(this.functions, kind, { table: this.data, bus: this.events, workflows: this.workflows });
    this.api = new MinshengHttpApi(this, 'Api', {
      kind,
      routes: props.routes ?? deployedRoutes(),
      functions: this.functions.byId,
      jwt: this.identity.jwt,
      corsOrigins: this.webOrigins,
    });
    this.deadLetters = new DeadLetters(this, 'DeadLetters');
    this.subscriptions = new EventSubscriptions(this, 'Subscriptions', {
      kind,
      bus: this.events.bus,
      rules: props.eventRules ?? EVENT_RULES,
      schedules: props.schedules ?? SCHEDULES,
      functions: this.functions.byId,
      deadLetterQueue: this.deadLetters.queue,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'City API' });
    new CfnOutput(this, 'WebUrl', { value: this.web.url, description: 'Web app' });
    new CfnOutput(this, 'WebBucketName', { value: this.web.bucket.bucketName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'JwtIssuer', { value: this.identity.jwt.issuer });
    if (this.identity.userPool && this.identity.webClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.identity.webClient.userPoolClientId });
    }
    if (this.identity.domain) {
      new CfnOutput(this, 'SignInDomain', { value: this.identity.domain.baseUrl() });
    }
  }
}
