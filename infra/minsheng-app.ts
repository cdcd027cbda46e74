import * as path from 'node:path';
import { Annotations, type App, Aspects, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { deployedFunctions } from '../functions/registry';
import {
  type AppConfig,
  CITY_STACK_ID,
  countyStackId,
  EDGE_STACK_ID,
  FIREWALL_STACK_ID,
  InvalidContextError,
  UNRESERVED_CONCURRENCY_MINIMUM,
  WEB_CONFIG_STACK_ID,
} from './config';
import { PROJECT_ROOT } from './constructs/function';
import type { CompiledWorkflowInput } from './constructs/workflows';
import { CityStack } from './stacks/city-stack';
import { CountyStack } from './stacks/county-stack';
import { EdgeStack, FirewallStack } from './stacks/edge-stack';
import type { SharedListProps } from './stacks/services';
import { WebConfigStack } from './stacks/web-config-stack';
import { compiledWorkflows } from './workflow-source';

/** Optional overrides, for tests that synthesize with fixture lists. Defaults: the shared modules. */
export interface BuildOptions extends SharedListProps {
  /** @default every definition of workflows/, compiled */
  readonly workflows?: readonly CompiledWorkflowInput[];
  /** @default <repo>/web/dist */
  readonly webDistPath?: string;
  /**
   * Run cdk-nag AwsSolutions checks on every stack (errors fail the synth).
   * @default true
   */
  readonly nag?: boolean;
  /** cdk-nag CSV reports in the cloud assembly. @default false */
  readonly nagReports?: boolean;
}

/** The stacks of one Minsheng deployment. */
export interface MinshengStacks {
  readonly city: CityStack;
  readonly counties: ReadonlyMap<string, CountyStack>;
  readonly webConfig: WebConfigStack;
  /** The API edge (CloudFront + AWS WAF), when a web ACL can be attached (see {@link edgeFirewall}). */
  readonly edge?: EdgeStack;
  /** The us-east-1 stack of the edge's web ACL, when this app creates it. */
  readonly firewall?: FirewallStack;
}

/**
 * Where the API edge's CLOUDFRONT-scope web ACL comes from: the ARN in `minsheng:apiWebAcl`; else a
 * stack of this app in us-east-1, which needs a concrete region outside China (CloudFront takes a web
 * ACL from us-east-1 only, the China regions offer AWS WAF at regional level only, and a reference
 * across regions needs both regions known at synth); else none, and the APIs are reached directly.
 */
export function edgeFirewall(config: AppConfig): 'context' | 'create' | 'none' {
  if (config.apiWebAcl) return 'context';
  if (!config.region || config.region.startsWith('cn-')) return 'none';
  return 'create';
}

/** Fails the synth when the county reservations would not fit the account's Lambda concurrency. */
function checkConcurrencyBudget(config: AppConfig, countyFunctions: number): void {
  const reserved = config.counties.length * countyFunctions * config.countyReservedConcurrency;
  const available = config.accountConcurrency - UNRESERVED_CONCURRENCY_MINIMUM;
  if (reserved > available) {
    throw new InvalidContextError(
      'minsheng:countyReservedConcurrency',
      `${config.counties.length} counties × ${countyFunctions} functions × ${config.countyReservedConcurrency} = ${reserved} reserved, but an account of ${config.accountConcurrency} (minsheng:accountConcurrency) leaves only ${available} reservable; lower the reservation or raise the quota`,
    );
  }
}

/**
 * Adds the Minsheng stacks to `app`: the city stack, one county stack per configured county (each
 * depending on the city for the bus and the identity), and the WebConfig stack last.
 */
export function buildMinsheng(app: App, config: AppConfig, options: BuildOptions = {}): MinshengStacks {
  const env: Environment | undefined =
    config.region || config.account ? { region: config.region, account: config.account } : undefined;
  const workflows = options.workflows ?? loadWorkflows();
  const countyFunctions = (options.functions ?? deployedFunctions()).filter((f) =>
    f.stacks.includes('county'),
  ).length;
  checkConcurrencyBudget(config, countyFunctions);
  const firewallSource = edgeFirewall(config);
  const city = new CityStack(app, CITY_STACK_ID, {
    env,
    city: config.city,
    identity: config.identity,
    extraWebOrigins: config.extraWebOrigins,
    alarmTopic: config.alarmTopic,
    // The edge's domain is known only in a later stack; the web app may reach any CloudFront domain.
    extraConnectSources: firewallSource === 'none' ? [] : ['https://*.cloudfront.net'],
    webDistPath: options.webDistPath ?? path.join(PROJECT_ROOT, 'web', 'dist'),
    workflows: workflows.filter((w) => w.stack === 'city'),
    functions: options.functions,
    routes: options.routes,
    eventRules: options.eventRules,
    schedules: options.schedules,
  });
  const counties = new Map<string, CountyStack>();
  for (const county of config.counties) {
    counties.set(
      county.code,
      new CountyStack(app, countyStackId(county.code), {
        env,
        county,
        city: config.city,
        bus: city.events,
        catalogue: city.data,
        jwt: city.identity.jwt,
        corsOrigins: city.webOrigins,
        workflows: workflows.filter((w) => w.stack !== 'city'),
        alarmTopic: city.alarmTopic.topic,
        reservedConcurrency: config.countyReservedConcurrency,
        functions: options.functions,
        routes: options.routes,
        eventRules: options.eventRules,
        schedules: options.schedules,
      }),
    );
  }
  let firewall: FirewallStack | undefined;
  let edge: EdgeStack | undefined;
  if (firewallSource === 'create') {
    firewall = new FirewallStack(app, FIREWALL_STACK_ID, {
      env: { account: config.account, region: 'us-east-1' },
    });
  }
  if (firewallSource !== 'none') {
    edge = new EdgeStack(app, EDGE_STACK_ID, {
      env,
      crossRegionReferences: firewallSource === 'create' && config.region !== 'us-east-1',
      webAclArn: config.apiWebAcl ?? firewall!.firewall.webAclArn,
      apis: [
        { prefix: '/api', endpoint: city.api.api.apiEndpoint },
        ...config.counties.map((c) => ({
          prefix: `/county/${c.code}/api`,
          endpoint: counties.get(c.code)!.api.api.apiEndpoint,
        })),
      ],
    });
  } else {
    Annotations.of(city).addInfo(
      'minsheng:api-edge: no API edge (per-client rate limits need a web ACL: set -c region=<region> outside China, or minsheng:apiWebAcl); the web app calls the execute-api URLs directly.',
    );
  }
  const edgeUrl = edge?.edge.url;
  const webConfig = new WebConfigStack(app, WEB_CONFIG_STACK_ID, {
    env,
    web: city.web,
    cityApi: edgeUrl ? `${edgeUrl}/api/` : city.api.url,
    counties: config.counties.map((c) => ({
      code: c.code,
      name: c.name,
      api: edgeUrl ? `${edgeUrl}/county/${c.code}/api/` : counties.get(c.code)!.api.url,
    })),
    auth: city.identity.webAuth,
  });
  if (options.nag ?? true) {
    Aspects.of(app).add(new AwsSolutionsChecks({ reports: options.nagReports ?? false }));
  }
  return { city, counties, webConfig, edge, firewall };
}

let cached: CompiledWorkflowInput[] | undefined;

/** Compiled once per process: every county stack deploys the same definitions. */
function loadWorkflows(): CompiledWorkflowInput[] {
  cached ??= compiledWorkflows();
  return cached;
}
