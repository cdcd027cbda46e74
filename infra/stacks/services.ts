import type { Stack } from 'aws-cdk-lib';
import { EVENT_RULES, type EventRuleSpec, SCHEDULES, type ScheduleSpec } from '../../functions/events';
import { deployedFunctions, type FunctionSpec, type StackKind } from '../../functions/registry';
import { deployedRoutes, type RouteSpec } from '../../functions/routes';
import { DeadLetters } from '../constructs/dead-letters';
import type { MinshengEventBus } from '../constructs/event-bus';
import { EventSubscriptions } from '../constructs/event-subscriptions';
import { bindAccess, FunctionSet } from '../constructs/function-set';
import { type JwtIssuer, MinshengHttpApi } from '../constructs/http-api';
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
}

/** The constructs every stack kind has. */
export interface StackServices {
  readonly functions: FunctionSet;
  readonly workflows: MinshengWorkflows;
  readonly api: MinshengHttpApi;
  readonly deadLetters: DeadLetters;
  readonly subscriptions: EventSubscriptions;
}

/**
 * What the city and county stacks share: the stack kind's functions with their access granted, its
 * state machines, its HTTP API, and its rules and schedules with their dead-letter queue. The
 * constructs sit directly under `stack` with fixed ids (Functions, Workflows, Api, DeadLetters,
 * Subscriptions), which the resources' logical ids derive from.
 */
export function addStackServices(stack: Stack, props: StackServicesProps): StackServices {
  const { kind, lists } = props;
  const functions = new FunctionSet(stack, 'Functions', {
    kind,
    specs: lists.functions ?? deployedFunctions(),
    environment: props.environment,
  });
  const workflows = new MinshengWorkflows(stack, 'Workflows', {
    workflows: props.workflows,
    functions: functions.byId,
  });
  bindAccess(functions, kind, {
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
  return { functions, workflows, api, deadLetters, subscriptions };
}
