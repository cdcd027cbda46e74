import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** Properties of {@link SiteDeployment}: those of BucketDeployment this project uses. */
export type SiteDeploymentProps = Omit<s3deploy.BucketDeploymentProps, 'role' | 'logGroup' | 'logRetention'>;

/**
 * A `BucketDeployment` with its own execution role (log writing to its own log group only, instead of
 * the AWSLambdaBasicExecutionRole managed policy) and the cdk-nag acknowledgements for what
 * aws-cdk-lib's deployment handler needs and this project cannot narrow.
 */
export class SiteDeployment extends Construct {
  readonly deployment: s3deploy.BucketDeployment;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SiteDeploymentProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Minsheng web deployment (copies files into the web bucket)',
    });
    logGroup.grantWrite(this.role);
    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      ...props,
      role: this.role,
      logGroup,
    });
    const wildcards = [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "aws-cdk-lib's BucketDeployment grants its handler the s3 read action groups (GetObject*, GetBucket*, List*) on the CDK asset bucket that holds the upload, and read/write groups (plus DeleteObject*, Abort*) on the web bucket's objects (`<bucket arn>/*`); both buckets are fixed, only the action groups are wildcards.",
        appliesTo: [
          'Action::s3:GetObject*',
          'Action::s3:GetBucket*',
          'Action::s3:List*',
          'Action::s3:DeleteObject*',
          'Action::s3:Abort*',
          { regex: '/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-[^/]+\\/\\*$/g' },
          // The web bucket, referenced in its own stack or imported from the city stack.
          {
            regex:
              '/^Resource::(<.*Bucket[0-9A-F]+\\.Arn>|.*:ExportsOutputFnGetAtt.*Bucket[0-9A-F]+Arn[0-9A-F]+)\\/\\*$/g',
          },
        ],
      },
    ];
    if (props.distribution) {
      wildcards.push({
        id: 'AwsSolutions-IAM5',
        reason:
          'cloudfront:CreateInvalidation/GetInvalidation are granted on "*" by aws-cdk-lib BucketDeployment when it invalidates the distribution after an upload of the app.',
        appliesTo: ['Resource::*'],
      });
    }
    NagSuppressions.addResourceSuppressions(this.role, wildcards, true);
    // The handler is a singleton function of the stack, created by BucketDeployment.
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      NagSuppressions.addResourceSuppressions(child, [
        {
          id: 'AwsSolutions-L1',
          reason:
            "The deployment handler's Python runtime is chosen by aws-cdk-lib together with its bundled AWS CLI layer; it is not project code and moves with aws-cdk-lib upgrades.",
        },
      ]);
    }
  }
}
