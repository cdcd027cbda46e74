import { Aws, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
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
 * (`source` `minsheng.county` / `minsheng.city`), and every rule of `functions/events.ts` listens here.
 * No resource policy: only principals of this account with an IAM grant can publish.
 */
export class MinshengEventBus extends Construct {
  /** The environment variable {@link bindPublisher} sets. */
  static readonly ENV_EVENT_BUS_NAME = 'EVENT_BUS_NAME';

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
   * Lets `fn` (in this stack or a county stack) put events on the bus and sets EVENT_BUS_NAME.
   * Across stacks CDK turns the bus's name and ARN into stack exports.
   */
  bindPublisher(fn: MinshengFunction): void {
    fn.addEnvironment(MinshengEventBus.ENV_EVENT_BUS_NAME, this.bus.eventBusName);
    this.bus.grantPutEventsTo(fn.function);
  }
}
