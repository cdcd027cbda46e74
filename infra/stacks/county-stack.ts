import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EVENT_RULES, type EventRuleSpec, SCHEDULES, type ScheduleSpec } from '../../functions/events';
import { deployedFunctions, type FunctionSpec } from '../../functions/registry';
import { deployedRoutes, type RouteSpec } from '../../functions/routes';
import type { CityConfig, CountyConfig } from '../config';
import { DeadLetters } from '../constructs/dead-letters';
import type { MinshengEventBus } from '../constructs/event-bus';
import { EventSubscriptions } from '../constructs/event-subscriptions';
import { bindAccess, FunctionSet } from '../constructs/function-set';
import { type JwtIssuer, MinshengHttpApi } from '../constructs/http-api';
import { MinshengTable } from '../constructs/table';
import { type CompiledWorkflowInput, MinshengWorkflows } from '../constructs/workflows';

/** Properties of {@link CountyStack}. */
export interface CountyStackProps extends StackProps {
  readonly county: CountyConfig;
  readonly city: CityConfig;
  /** The city's bus: county functions publish to it and the county's rules listen on it. */
  readonly bus: MinshengEventBus;
  /** The identity the county API trusts (from the city stack or the OIDC context). */
  readonly jwt: JwtIssuer;
  /** Origins of the web app (CORS). */
  readonly corsOrigins: readonly string[];
  /** The compiled workflow definitions (normally every definition of `workflows/`). */
  readonly workflows: readonly CompiledWorkflowInput[];
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
 * One county (or development zone): its table, its functions, one state machine per workflow, its
 * HTTP API, and the rules and schedules whose stack is 'county'. Everything is read from the shared
 * lists, so a new registry entry, route, rule or workflow definition appears here without edits.
 */
export class CountyStack extends Stack {
  readonly data: MinshengTable;
  readonly functions: FunctionSet;
  readonly workflows: MinshengWorkflows;
  readonly api: MinshengHttpApi;
  readonly subscriptions: EventSubscriptions;
  readonly deadLetters: DeadLetters;

  constructor(scope: Construct, id: string, props: CountyStackProps) {
    super(scope, id, {
      description: `Minsheng 民生 county ${props.county.code} ${props.county.name}`,
      ...props,
    });
    const kind = 'county';
    this.data = new MinshengTable(this, 'Data');
    this.functions = new FunctionSet(this, 'Functions', {
      kind,
      specs: props.functions ?? deployedFunctions(),
      environment: {
        STACK_KIND: kind,
        COUNTY_CODE: props.county.code,
        COUNTY_NAME: props.county.name,
        CITY_CODE: props.city.code,
      },
    });
    this.workflows = new MinshengWorkflows(this, 'Workflows', {
      workflows: props.workflows,
      functions: this.functions.byId,
    });
    bindAccess(this.functions, kind, { table: this.data, bus: props.bus, workflows: this.workflows });
    this.api = new MinshengHttpApi(this, 'Api', {
      kind,
      routes: props.routes ?? deployedRoutes(),
      functions: this.functions.byId,
      jwt: props.jwt,
      corsOrigins: props.corsOrigins,
    });
    this.deadLetters = new DeadLetters(this, 'DeadLetters');
    this.subscriptions = new EventSubscriptions(this, 'Subscriptions', {
      kind,
      bus: props.bus.bus,
      rules: props.eventRules ?? EVENT_RULES,
      schedules: props.schedules ?? SCHEDULES,
      functions: this.functions.byId,
      deadLetterQueue: this.deadLetters.queue,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: `${props.county.name} API` });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    for (const [wfId, machine] of this.workflows.stateMachines) {
      new CfnOutput(this, `StateMachine${wfId.replace(/[^A-Za-z0-9]/g, '')}`, {
        value: machine.stateMachineArn,
        description: `workflow ${wfId}`,
      });
    }
  }
}
