import type { Stack } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { EVENT_RULES, type EventRuleSpec, SCHEDULES, type ScheduleSpec } from '../../functions/events';
import { deployedFunctions, type FunctionSpec, type StackKind } from '../../functions/registry';
import { deployedRoutes, type RouteSpec } from '../../functions/routes';
import { MinshengAlarms } from '../constructs/alarms';
import { DeadLetters } from '../constructs/dead-letters';
import type { MinshengEventBus } from '../constructs/event-bus';
import { EventSubscriptions } from '../constructs/event-subscriptions';
import { bindAccess, FunctionSet } from '../constructs/function-set';
import { type JwtIssuer, MinshengHttpApi } from '../constructs/http-api';
import { LogsKey } from '../constructs/logs-key';
import type { MinshengTable } from '../constructs/table';
import { type CompiledWorkflowInput, MinshengWorkflows } from '../constructs/workflows';

/** The shared lists a stack is built from: tests pass fixture lists, a deployment the defaults. */
export interface SharedListProps {
  /** @default deployedFunctions() of functions/registry.ts (twin-only entries skipped) */
  readonly functions?: readonly FunctionSpec[];
  /** @default deployedRoutes() of functions/routes.ts (twin-only routes skipped) */
  readonly routes?: readonly RouteSpec[];
  /** @default EVENT_RULES of functions/events.ts */
  readonly eventRules?: readonly EventRuleSpec[];
  /** @default SCHEDULES of functions/events.ts */
  readonly schedules?: readonly ScheduleSpec[];
}

/** What {@link addStackServices} wires together. */
export interface StackServicesProps {
  readonly kind: StackKind;
  /** This stack: `city` or its county code. */
  readonly stack: string;
  /** The city table (the definition catalogue). */
  readonly catalogue: MinshengTable;
  readonly lists: SharedListProps;
  /** Environment every function of the stack shares. */
  readonly environment: Record<string, string>;
  readonly table: MinshengTable;
  /** The city's bus (functions publish to it, the stack's rules listen on it). */
  readonly bus: MinshengEventBus;
  readonly workflows: readonly CompiledWorkflowInput[];
  readonly jwt: JwtIssuer;
  /** Origins the APIs accept (CORS). */
  readonly corsOrigins: readonly string[];
  /** Where the stack's alarms go. */
  readonly alarmTopic: sns.ITopic;
  /** Who the alarms are about: `city 340100`, `county 340102`. */
  readonly label: string;
  /** The county of a county stack (its overdue-task alarm). */
  readonly county?: string;
  /** Concurrency reserved for each function of the stack. @default none */
  readonly reservedConcurrency?: number;
}

/** The constructs every stack kind has. */
export interface StackServices {
  readonly functions: FunctionSet;
  readonly workflows: MinshengWorkflows;
  readonly api: MinshengHttpApi;
  readonly deadLetters: DeadLetters;
  readonly subscriptions: EventSubscriptions;
  readonly logsKey: LogsKey;
  readonly alarms: MinshengAlarms;
}

/**
 * What the city and county stacks share: the stack kind's functions with their access granted, its
 * state machines, its HTTP API, and its rules and schedules with their dead-letter queue. The
 * constructs sit directly under `stack` with fixed ids (Functions, Workflows, Api, DeadLetters,
 * Subscriptions), which the resources' logical ids derive from.
 */
export function addStackServices(stack: Stack, props: StackServicesProps): StackServices {
  const { kind, lists } = props;
  const logsKey = new LogsKey(stack, 'LogsKey');
  const functions = new FunctionSet(stack, 'Functions', {
    kind,
    specs: lists.functions ?? deployedFunctions(),
    environment: props.environment,
    logKey: logsKey.key,
    reservedConcurrency: props.reservedConcurrency,
  });
  const workflows = new MinshengWorkflows(stack, 'Workflows', {
    workflows: props.workflows,
    functions: functions.byId,
    logKey: logsKey.key,
  });
  bindAccess(functions, {
    stack: props.stack,
    table: props.table,
    catalogue: props.catalogue,
    bus: props.bus,
    workflows,
  });
  const api = new MinshengHttpApi(stack, 'Api', {
    kind,
    routes: lists.routes ?? deployedRoutes(),
    functions: functions.byId,
    jwt: props.jwt,
    corsOrigins: props.corsOrigins,
    logKey: logsKey.key,
  });
  const deadLetters = new DeadLetters(stack, 'DeadLetters');
  const subscriptions = new EventSubscriptions(stack, 'Subscriptions', {
    kind,
    stack: props.stack,
    stateMachineArns: [...workflows.stateMachines.values()].map((m) => m.stateMachineArn),
    bus: props.bus.bus,
    rules: lists.eventRules ?? EVENT_RULES,
    schedules: lists.schedules ?? SCHEDULES,
    functions: functions.byId,
    deadLetterQueue: deadLetters.queue,
  });
  const alarms = new MinshengAlarms(stack, 'Alarms', { topic: props.alarmTopic, label: props.label });
  alarms.watchDeadLetters(deadLetters.queue);
  alarms.watchHttpApi(api.api);
  for (const fn of functions.all) alarms.watchFunction(fn);
  for (const [wfId, machine] of workflows.stateMachines) alarms.watchStateMachine(wfId, machine);
  if (props.county) alarms.watchOverdueTasks(props.county);
  return { functions, workflows, api, deadLetters, subscriptions, logsKey, alarms };
}
