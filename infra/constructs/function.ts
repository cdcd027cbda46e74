import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { BUNDLE } from '../../contracts/bundling';
import type { FunctionSpec } from '../../functions/registry';

/** The repository root: entries in `functions/registry.ts` are relative to it. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The runtime every function deploys on. Lambda deprecated nodejs20.x; 24.x is the newest the
 * installed aws-cdk-lib knows, which is also what cdk-nag's AwsSolutions-L1 expects.
 */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * esbuild options shared by every function in every stack. They must not vary per stack:
 * CDK's asset cache keys on them, so identical options mean each entry is bundled once per synth
 * however many county stacks deploy it.
 */
export const BUNDLING: nodejs.BundlingOptions = Object.freeze({
  // contracts/bundling.ts is the one source: the twin bundles with the same options.
  externalModules: [...BUNDLE.external],
  minify: BUNDLE.minify,
  sourceMap: BUNDLE.sourcemap,
  sourcesContent: false,
  target: BUNDLE.target,
  format: nodejs.OutputFormat.ESM,
  mainFields: [...BUNDLE.mainFields],
  banner: BUNDLE.banner,
  logLevel: nodejs.LogLevel.ERROR,
});

/** Properties of {@link MinshengFunction}. */
export interface MinshengFunctionProps {
  /** The registry entry to deploy. */
  readonly spec: FunctionSpec;
  /** Environment every function of the stack shares (STACK_KIND, CITY_CODE, COUNTY_CODE). */
  readonly environment?: Record<string, string>;
  /**
   * Retention of the function's log group. China's Cybersecurity Law (Art. 21) asks operators to keep
   * network logs for at least six months; a year leaves margin.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /** Encrypts the function's log group. @default CloudWatch Logs' own encryption */
  readonly logKey?: kms.IKey;
  /**
   * Concurrency reserved for (and the ceiling of) this function.
   * @default none: the function draws on the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
  /** @default spec.timeoutSeconds, else 15 seconds (the HTTP API gives up after 30). */
  readonly timeout?: Duration;
  /** @default spec.memoryMb, else 512 MB */
  readonly memorySize?: number;
  /**
   * X-Ray active tracing, so a request can be followed from the API through Step Functions.
   * @default true
   */
  readonly tracing?: boolean;
}

/**
 * One `NodejsFunction` for one registry entry: arm64, {@link FUNCTION_RUNTIME}, ESM bundle with the
 * AWS SDK inside, minified with source maps, JSON logs to its own log group, and a role that starts
 * with nothing but writing to that log group. Other constructs add permissions through their
 * `bind*` methods, which also set the environment variables that go with them.
 */
export class MinshengFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: MinshengFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logKey,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to any log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Minsheng ${spec.id}`,
    });
    this.logGroup.grantWrite(this.role);
    const tracing = props.tracing ?? true;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, spec.entry),
      handler: spec.handler,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: spec.description,
      timeout: props.timeout ?? Duration.seconds(spec.timeoutSeconds ?? 15),
      memorySize: props.memorySize ?? spec.memoryMb ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: {
        // Stack traces in the logs point into the TypeScript sources, not the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: BUNDLING,
    });
    // The function must not start before its log permissions exist.
    this.function.node.addDependency(this.role);
    if (tracing) {
      NagSuppressions.addResourceSuppressions(
        this.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; X-Ray requires Resource "*".',
            appliesTo: ['Resource::*'],
          },
        ],
        true,
      );
    }
  }

  /** Sets an environment variable on the function. */
  addEnvironment(key: string, value: string): void {
    this.function.addEnvironment(key, value);
  }

  /** Suppresses a cdk-nag finding on this function's role policy, with the reason it is acceptable. */
  acknowledge(id: string, reason: string, appliesTo: (string | { regex: string })[]): void {
    NagSuppressions.addResourceSuppressions(this.role, [{ id, reason, appliesTo }], true);
  }
}
