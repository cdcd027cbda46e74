import { ArnFormat, Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Properties of {@link LogsKey}. */
export interface LogsKeyProps {
  /**
   * How long a scheduled deletion of the key waits (logs encrypted with it become unreadable after).
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;
}

/**
 * The customer-managed KMS key that encrypts every log group of one stack (functions, API access
 * logs, state machine executions). Rotated yearly, retained when the stack goes (the logs must stay
 * readable for their retention), and usable by CloudWatch Logs of this account and region only, for
 * log groups of this account and region only (the `aws:logs:arn` encryption context).
 */
export class LogsKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LogsKeyProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Minsheng log groups',
      enableKeyRotation: true,
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logGroups = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccountAndRegion',
        // The regional service principal (logs.<region>.amazonaws.com, .com.cn in China).
        principals: [new iam.ServicePrincipal(Fn.join('.', ['logs', Aws.REGION, Aws.URL_SUFFIX]))],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroups } },
      }),
    );
  }
}
