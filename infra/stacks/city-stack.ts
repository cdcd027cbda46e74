import * as path from 'node:path';
import { Annotations, Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { CityConfig, IdentityConfig } from '../config';
import { AlarmTopic } from '../constructs/alarms';
import type { DeadLetters } from '../constructs/dead-letters';
import { MinshengEventBus } from '../constructs/event-bus';
import type { EventSubscriptions } from '../constructs/event-subscriptions';
import { PROJECT_ROOT } from '../constructs/function';
import type { FunctionSet } from '../constructs/function-set';
import type { MinshengHttpApi } from '../constructs/http-api';
import { MinshengIdentity } from '../constructs/identity';
import { MinshengTable } from '../constructs/table';
import { WebHosting } from '../constructs/web-hosting';
import type { CompiledWorkflowInput, MinshengWorkflows } from '../constructs/workflows';
import { addStackServices, type SharedListProps } from './services';

/** Properties of {@link CityStack}. */
export interface CityStackProps extends StackProps, SharedListProps {
  readonly city: CityConfig;
  readonly identity: IdentityConfig;
  /** Origins besides the CloudFront URL the web app is served from (custom domains). @default none */
  readonly extraWebOrigins?: readonly string[];
  /** The built web app. @default `<repo>/web/dist` */
  readonly webDistPath?: string;
  /** The compiled city workflows (a state machine each in the city stack). */
  readonly workflows: readonly CompiledWorkflowInput[];
  /** An existing SNS topic for every alarm (ARN or name). @default a new topic in this stack */
  readonly alarmTopic?: string;
  /**
   * Extra `connect-src` of the web app's CSP: where the APIs are reached besides execute-api (the API
   * edge distribution). @default none
   */
  readonly extraConnectSources?: readonly string[];
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
  /** Where every alarm of the deployment goes (the county stacks' too). */
  readonly alarmTopic: AlarmTopic;
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
      connectSources: [apiHosts, ...identityHosts, ...(props.extraConnectSources ?? [])],
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
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { existing: props.alarmTopic });
    this.events = new MinshengEventBus(this, 'Events');
    this.data = new MinshengTable(this, 'Data');
    ({
      functions: this.functions,
      workflows: this.workflows,
      api: this.api,
      deadLetters: this.deadLetters,
      subscriptions: this.subscriptions,
    } = addStackServices(this, {
      kind,
      stack: 'city',
      catalogue: this.data,
      lists: props,
      environment: { STACK_KIND: kind, CITY_CODE: props.city.code },
      table: this.data,
      bus: this.events,
      workflows: props.workflows,
      jwt: this.identity.jwt,
      corsOrigins: this.webOrigins,
      alarmTopic: this.alarmTopic.topic,
      label: `city ${props.city.code}`,
    }));

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
