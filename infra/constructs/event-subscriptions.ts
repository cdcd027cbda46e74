import { Aws, Duration, TimeZone } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CITY_SOURCE, COUNTY_SOURCE_PREFIX, STATES_SOURCE, sourceOf } from '../../contracts/sources';
import type { EventOrigin, EventRuleSpec, ScheduleSpec } from '../../functions/events';
import type { StackKind } from '../../functions/registry';
import type { MinshengFunction } from './function';

/** Properties of {@link EventSubscriptions}. */
export interface EventSubscriptionsProps {
  /** Which entries of the lists belong to this stack. */
  readonly kind: StackKind;
  /** This stack: `city` or its county code (rules taking events from their `own` stack use its source). */
  readonly stack: string;
  /** ARNs of this stack's state machines (rules on Step Functions' events take only theirs). */
  readonly stateMachineArns: readonly string[];
  /** The city bus the rules listen on (the rules live in this stack, the bus in the city stack). */
  readonly bus: events.IEventBus;
  readonly rules: readonly EventRuleSpec[];
  readonly schedules: readonly ScheduleSpec[];
  /** Functions of this stack by id. */
  readonly functions: ReadonlyMap<string, MinshengFunction>;
  /** Where undeliverable events and failed asynchronous invocations go. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Delivery attempts before an event or schedule invocation is dead-lettered.
   * @default 8
   */
  readonly retryAttempts?: number;
}

/** The source pattern of an origin on the city bus (a prefix match for any county). */
function originPattern(origin: EventOrigin, stack: string): string[] {
  switch (origin) {
    case 'city':
      return [CITY_SOURCE];
    case 'anyCounty':
      // Match.prefix yields the one-element matcher list `[{ prefix }]`; it is spread, not nested.
      return events.Match.prefix(COUNTY_SOURCE_PREFIX);
    case 'own':
      return [sourceOf(stack)];
    default:
      throw new EventWiringError(`origin ${origin} is not on the city bus`);
  }
}

/** A rule or schedule that names a function this stack does not deploy. */
export class EventWiringError extends Error {
  override readonly name = 'EventWiringError';
  readonly code = 'EVENT_WIRING';
}

/**
 * The EventBridge rules (`EVENT_RULES`) and EventBridge Scheduler schedules (`SCHEDULES`, Asia/Shanghai
 * cron) whose `stack` is this stack's kind, each targeting its function with retries and a DLQ.
 * Construct ids come from the spec ids, so adding an entry adds resources without touching others.
 */
export class EventSubscriptions extends Construct {
  readonly rules: ReadonlyMap<string, events.Rule>;
  readonly schedules: ReadonlyMap<string, scheduler.Schedule>;

  constructor(scope: Construct, id: string, props: EventSubscriptionsProps) {
    super(scope, id);
    const retryAttempts = props.retryAttempts ?? 8;
    const targetsSeen = new Set<string>();
    const fnFor = (what: string, fnId: string): MinshengFunction => {
      const fn = props.functions.get(fnId);
      if (!fn)
        throw new EventWiringError(`${what} targets ${fnId}, which the ${props.kind} stack does not deploy`);
      if (!targetsSeen.has(fnId)) {
        targetsSeen.add(fnId);
        // Both targets invoke asynchronously: a handler that keeps failing is dead-lettered too.
        fn.function.configureAsyncInvoke({
          retryAttempts: 2,
          onFailure: new destinations.SqsDestination(props.deadLetterQueue),
        });
      }
      return fn;
    };

    const rules = new Map<string, events.Rule>();
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    for (const spec of props.rules.filter((r) => r.stack === props.kind)) {
      const fromStates = spec.from.includes('stepFunctions');
      if (fromStates && spec.from.length > 1) {
        throw new EventWiringError(
          `event rule ${spec.id}: Step Functions' events come on another bus; give them a rule of their own`,
        );
      }
      // A stack without state machines has no Step Functions events to take.
      if (fromStates && props.stateMachineArns.length === 0) continue;
      const fn = fnFor(`event rule ${spec.id}`, spec.fn);
      const eventPattern: events.EventPattern = fromStates
        ? {
            source: [STATES_SOURCE],
            detailType: [...spec.detailType],
            detail: { stateMachineArn: [...props.stateMachineArns] },
          }
        : {
            source: spec.from.flatMap((o) => originPattern(o, props.stack)),
            detailType: [...spec.detailType],
          };
      rules.set(
        spec.id,
        new events.Rule(this, `Rule${spec.id}`, {
          eventBus: fromStates ? defaultBus : props.bus,
          description: `Minsheng ${spec.id}`,
          eventPattern,
          targets: [
            new targets.LambdaFunction(fn.function, {
              deadLetterQueue: props.deadLetterQueue,
              retryAttempts,
              maxEventAge: Duration.hours(24),
            }),
          ],
        }),
      );
    }

    const schedules = new Map<string, scheduler.Schedule>();
    for (const spec of props.schedules.filter((s) => s.stack === props.kind)) {
      const fn = fnFor(`schedule ${spec.id}`, spec.fn);
      schedules.set(
        spec.id,
        new scheduler.Schedule(this, `Schedule${spec.id}`, {
          description: `Minsheng ${spec.id}`,
          schedule: scheduler.ScheduleExpression.expression(`cron(${spec.cron})`, TimeZone.of(spec.timezone)),
          target: this.invokeTarget(`Schedule${spec.id}`, fn, spec, props.deadLetterQueue, retryAttempts),
        }),
      );
    }
    this.rules = rules;
    this.schedules = schedules;
  }

  /**
   * A Lambda target with a role of its own that may invoke exactly the unqualified function ARN the
   * schedule calls (the stock LambdaInvoke target also grants every version, `<arn>:*`) and send to
   * the dead-letter queue.
   */
  private invokeTarget(
    id: string,
    fn: MinshengFunction,
    spec: ScheduleSpec,
    dlq: sqs.IQueue,
    retryAttempts: number,
  ): scheduler.IScheduleTarget {
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `Minsheng schedule ${spec.id}`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.function.functionArn] }),
    );
    dlq.grantSendMessages(role);
    return {
      bind: () => ({
        arn: fn.function.functionArn,
        role,
        // The twin's scheduler sends the same `input` (or none), so handlers see one shape.
        input: spec.input === undefined ? undefined : scheduler.ScheduleTargetInput.fromObject(spec.input),
        deadLetterConfig: { arn: dlq.queueArn },
        retryPolicy: {
          maximumRetryAttempts: retryAttempts,
          maximumEventAgeInSeconds: Duration.hours(24).toSeconds(),
        },
      }),
    };
  }
}
