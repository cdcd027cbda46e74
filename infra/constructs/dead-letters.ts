import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** Properties of {@link DeadLetters}. */
export interface DeadLettersProps {
  /**
   * How long an undelivered event or schedule invocation waits for an operator.
   * @default Duration.days(14) (the SQS maximum)
   */
  readonly retention?: Duration;
}

/**
 * The stack's dead-letter queue: events, schedules and asynchronous invocations that could not be
 * delivered or kept failing land here instead of vanishing. SSE (SQS-managed keys) and TLS-only.
 */
export class DeadLetters extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DeadLettersProps = {}) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retention ?? Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(this.queue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself the dead-letter queue of the stack (EventBridge rule targets, Scheduler targets, Lambda async on-failure); it has no further DLQ by design.',
      },
    ]);
  }
}
