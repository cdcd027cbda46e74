import { Aws, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '../../contracts/env';
import { sourceOf } from '../../contracts/sources';
import type { MinshengFunction } from './function';

/** Properties of {@link MinshengEventBus}. */
export interface MinshengEventBusProps {
  /**
   * How long the archive keeps every event published by this account, so the city's read model
   * (inbox, rankings, dashboards) can be rebuilt by replay.
   * @default Duration.days(365)
   */
  readonly archiveRetention?: Duration;
}

/**
 * The city's event bus: every county stack and the city stack publish their domain events here
 * (`source` `minsheng.county.<code>` / `minsheng.city`), and every rule of `functions/events.ts` but
 * Step Functions' own events listens here.
 * No resource policy: only principals of this account with an IAM grant can publish.
 */
export class MinshengEventBus extends Construct {
  /** The environment variable {@link bindPublisher} sets. */
  static readonly ENV_EVENT_BUS_NAME = ENV.eventBusName;

  readonly bus: events.EventBus;
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: MinshengEventBusProps = {}) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      description: 'Minsheng domain events of the city and its counties',
    });
    this.archive = this.bus.archive('Archive', {
      description: 'Replay source for the city read model',
      eventPattern: { account: [Aws.ACCOUNT_ID] },
      retention: props.archiveRetention ?? Duration.days(365),
    });
  }

  /**
   * Lets `fn` (in this stack or a county stack) put events on the bus, only with its stack's own
   * source (`events:source` condition), and sets EVENT_BUS_NAME. Consumers trust the publishing
   * stack through that source, never a county named inside an event. Across stacks CDK turns the
   * bus's name and ARN into stack exports.
   */
  bindPublisher(fn: MinshengFunction, stack: string): void {
    fn.addEnvironment(MinshengEventBus.ENV_EVENT_BUS_NAME, this.bus.eventBusName);
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'events:source': [sourceOf(stack)] } },
      }),
    );
  }
}
