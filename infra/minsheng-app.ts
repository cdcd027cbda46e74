import * as path from 'node:path';
import { type App, Aspects, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type AppConfig, CITY_STACK_ID, countyStackId, WEB_CONFIG_STACK_ID } from './config';
import { PROJECT_ROOT } from './constructs/function';
import type { CompiledWorkflowInput } from './constructs/workflows';
import { CityStack } from './stacks/city-stack';
import { CountyStack } from './stacks/county-stack';
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
}

/**
 * Adds the Minsheng stacks to `app`: the city stack, one county stack per configured county (each
 * depending on the city for the bus and the identity), and the WebConfig stack last.
 */
export function buildMinsheng(app: App, config: AppConfig, options: BuildOptions = {}): MinshengStacks {
  const env: Environment | undefined =
    config.region || config.account ? { region: config.region, account: config.account } : undefined;
  const workflows = options.workflows ?? loadWorkflows();
  const city = new CityStack(app, CITY_STACK_ID, {
    env,
    city: config.city,
    identity: config.identity,
    extraWebOrigins: config.extraWebOrigins,
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
        functions: options.functions,
        routes: options.routes,
        eventRules: options.eventRules,
        schedules: options.schedules,
      }),
    );
  }
  const webConfig = new WebConfigStack(app, WEB_CONFIG_STACK_ID, {
    env,
    web: city.web,
    cityApi: city.api.url,
    counties: config.counties.map((c) => ({
      code: c.code,
      name: c.name,
      api: counties.get(c.code)!.api.url,
    })),
    auth: city.identity.webAuth,
  });
  if (options.nag ?? true) {
    Aspects.of(app).add(new AwsSolutionsChecks({ reports: options.nagReports ?? false }));
  }
  return { city, counties, webConfig };
}

let cached: CompiledWorkflowInput[] | undefined;

/** Compiled once per process: every county stack deploys the same definitions. */
function loadWorkflows(): CompiledWorkflowInput[] {
  cached ??= compiledWorkflows();
  return cached;
}
