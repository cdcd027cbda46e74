import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { CityConfig, CountyConfig } from '../config';
import type { DeadLetters } from '../constructs/dead-letters';
import type { MinshengEventBus } from '../constructs/event-bus';
import type { EventSubscriptions } from '../constructs/event-subscriptions';
import type { FunctionSet } from '../constructs/function-set';
import type { JwtIssuer, MinshengHttpApi } from '../constructs/http-api';
import { MinshengTable } from '../constructs/table';
import type { CompiledWorkflowInput, MinshengWorkflows } from '../constructs/workflows';
import { addStackServices, type SharedListProps } from './services';

/** Properties of {@link CountyStack}. */
export interface CountyStackProps extends StackProps, SharedListProps {
  readonly county: CountyConfig;
  readonly city: CityConfig;
  /** The city's bus: county functions publish to it and the county's rules listen on it. */
  readonly bus: MinshengEventBus;
  /** The city table: its definition catalogue is read by county functions. */
  readonly catalogue: MinshengTable;
  /** The identity the county API trusts (from the city stack or the OIDC context). */
  readonly jwt: JwtIssuer;
  /** Origins of the web app (CORS). */
  readonly corsOrigins: readonly string[];
  /** The compiled county workflows (normally every county definition of `workflows/`). */
  readonly workflows: readonly CompiledWorkflowInput[];
  /** Where the county's alarms go (the city stack's alarm topic). */
  readonly alarmTopic: sns.ITopic;
  /**
   * Concurrency reserved for each function of this county, so that a flood in one county cannot
   * take the concurrency another needs (and cannot exceed it either).
   * @default none
   */
  readonly reservedConcurrency?: number;
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
    ({
      functions: this.functions,
      workflows: this.workflows,
      api: this.api,
      deadLetters: this.deadLetters,
      subscriptions: this.subscriptions,
    } = addStackServices(this, {
      kind,
      stack: props.county.code,
      catalogue: props.catalogue,
      lists: props,
      environment: {
        STACK_KIND: kind,
        COUNTY_CODE: props.county.code,
        COUNTY_NAME: props.county.name,
        CITY_CODE: props.city.code,
      },
      table: this.data,
      bus: props.bus,
      workflows: props.workflows,
      jwt: props.jwt,
      corsOrigins: props.corsOrigins,
      alarmTopic: props.alarmTopic,
      label: `county ${props.county.code} ${props.county.name}`,
      county: props.county.code,
      reservedConcurrency: props.reservedConcurrency || undefined,
    }));
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
