import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { MinshengFunction } from './function';

/** One workflow definition compiled to ASL at synth time. */
export interface CompiledWorkflowInput {
  /** Workflow id (`allocation`): the key in STATE_MACHINE_ARNS and part of the construct id. */
  readonly id: string;
  readonly version: number | string;
  /** The stack kind that runs it. @default 'county' */
  readonly stack?: 'county' | 'city';
  /** ASL JSON text with `${Name}` definition substitutions. */
  readonly asl: string;
  /** Substitution names used in `asl`: `Partition` and `<FunctionId>Arn`. */
  readonly substitutions: readonly string[];
}

/** Properties of {@link MinshengWorkflows}. */
export interface MinshengWorkflowsProps {
  readonly workflows: readonly CompiledWorkflowInput[];
  /** Functions a definition may reference as `${<FunctionId>Arn}`, by function id. */
  readonly functions: ReadonlyMap<string, MinshengFunction>;
  /**
   * Retention of the execution log groups (level ALL, without execution data).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /** Encrypts the execution log groups. @default CloudWatch Logs' own encryption */
  readonly logKey?: kms.IKey;
}

/** A definition that cannot become a state machine in this stack. */
export class WorkflowWiringError extends Error {
  override readonly name = 'WorkflowWiringError';
  readonly code = 'WORKFLOW_WIRING';
}

/** `allocation` -> `Allocation`, `fund-confirmation` -> `FundConfirmation`: stable construct ids. */
export function pascalId(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

/**
 * The state machines of one stack, one per compiled workflow definition: STANDARD type, the ASL text
 * as compiled with `definitionSubstitutions` resolving `${Partition}` and `${<FunctionId>Arn}` (so
 * nothing in the template hard-codes a partition, region or account), logging level ALL without
 * execution data to an encrypted log group,
 * X-Ray tracing, and an execution role that may invoke exactly the functions the definition names.
 */
export class MinshengWorkflows extends Construct {
  /** The environment variable {@link bindStarter} sets: JSON object workflowId -> state machine ARN. */
  static readonly ENV_STATE_MACHINE_ARNS = 'STATE_MACHINE_ARNS';

  /** State machines by workflow id. */
  readonly stateMachines: ReadonlyMap<string, sfn.StateMachine>;
  /** Ids of the functions some state machine invokes. */
  readonly invokedFunctionIds: ReadonlySet<string>;

  constructor(scope: Construct, id: string, props: MinshengWorkflowsProps) {
    super(scope, id);
    const machines = new Map<string, sfn.StateMachine>();
    const invoked = new Set<string>();
    for (const wf of props.workflows) {
      if (machines.has(wf.id)) throw new WorkflowWiringError(`workflow ${wf.id} is defined twice`);
      const substitutions: Record<string, string> = {};
      const targets: MinshengFunction[] = [];
      for (const name of wf.substitutions) {
        if (name === 'Partition') {
          substitutions[name] = Aws.PARTITION;
          continue;
        }
        const m = /^([A-Za-z0-9]+)Arn$/.exec(name);
        const fn = m ? props.functions.get(m[1]) : undefined;
        if (!m || !fn) {
          throw new WorkflowWiringError(
            `workflow ${wf.id}: substitution \${${name}} names no function of this stack (known: ${[...props.functions.keys()].join(', ')})`,
          );
        }
        substitutions[name] = fn.function.functionArn;
        targets.push(fn);
        invoked.add(fn.spec.id);
      }
      const construct = new Construct(this, pascalId(wf.id));
      const logGroup = new logs.LogGroup(construct, 'Logs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: props.logKey,
      });
      const machine = new sfn.StateMachine(construct, 'StateMachine', {
        definitionBody: sfn.DefinitionBody.fromString(wf.asl),
        definitionSubstitutions: substitutions,
        stateMachineType: sfn.StateMachineType.STANDARD,
        comment: `Minsheng workflow ${wf.id} v${wf.version}`,
        // Every event (state entered/exited, task scheduled, failed...) with its state name and
        // time, but no execution data (inputs, outputs): those carry task tokens and personal data.
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
        tracingEnabled: true,
      });
      // Unqualified ARNs only: grantInvoke would also allow every version and alias (`<arn>:*`).
      for (const fn of targets) {
        machine.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['lambda:InvokeFunction'],
            resources: [fn.function.functionArn],
          }),
        );
      }
      NagSuppressions.addResourceSuppressions(
        machine.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'Only the CloudWatch Logs vended-delivery actions (logs:CreateLogDelivery, GetLogDelivery, ... DescribeLogGroups) and X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* are on "*": AWS documents none of them as supporting resource-level permissions.',
            appliesTo: ['Resource::*'],
          },
        ],
        true,
      );
      machines.set(wf.id, machine);
    }
    this.stateMachines = machines;
    this.invokedFunctionIds = invoked;
  }

  /**
   * Lets `fn` start executions of every state machine here (and read their executions' status and
   * history) and sets STATE_MACHINE_ARNS. A function that a state machine invokes cannot be a starter
   * of that machine in the same stack: the state machine's definition needs the function's ARN and the
   * function's environment would need the machine's, a CloudFormation cycle.
   */
  bindStarter(fn: MinshengFunction): void {
    if (this.invokedFunctionIds.has(fn.spec.id) && this.stateMachines.size > 0) {
      throw new WorkflowWiringError(
        `function ${fn.spec.id} is invoked by a workflow and cannot also start workflows (CloudFormation dependency cycle); move the start into another function`,
      );
    }
    const arns: Record<string, string> = {};
    for (const [wfId, machine] of this.stateMachines) {
      arns[wfId] = machine.stateMachineArn;
      machine.grantStartExecution(fn.function);
      machine.grantExecution(fn.function, 'states:DescribeExecution', 'states:GetExecutionHistory');
    }
    fn.addEnvironment(MinshengWorkflows.ENV_STATE_MACHINE_ARNS, Stack.of(this).toJsonString(arns));
    if (this.stateMachines.size > 0) {
      fn.acknowledge(
        'AwsSolutions-IAM5',
        "DescribeExecution/GetExecutionHistory are granted on the executions of this stack's own state machines (`execution:<machine name>:*`); execution names are chosen at run time (allocation-<year>).",
        [
          {
            regex:
              '/^Resource::arn:<AWS::Partition>:states:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]+):execution:.*:\\*$/g',
          },
        ],
      );
    }
  }

  /**
   * Lets `fn` complete human tasks (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat). These
   * actions accept no resource ARN (the task token is the authorization), so the grant is on "*" in
   * a policy of its own that holds nothing else.
   */
  bindTaskResponder(fn: MinshengFunction): void {
    // Reading an execution's history tells whether a refused decision had been delivered before
    // (functions/runtime/tasks/deliver.ts); scoped to this stack's own executions.
    if (!this.invokedFunctionIds.has(fn.spec.id)) {
      for (const machine of this.stateMachines.values()) {
        machine.grantExecution(fn.function, 'states:DescribeExecution', 'states:GetExecutionHistory');
      }
      if (this.stateMachines.size > 0) {
        fn.acknowledge(
          'AwsSolutions-IAM5',
          "DescribeExecution/GetExecutionHistory are granted on the executions of this stack's own state machines (`execution:<machine name>:*`); execution names are chosen at run time.",
          [
            {
              regex:
                '/^Resource::arn:<AWS::Partition>:states:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]+):execution:.*:\\*$/g',
            },
          ],
        );
      }
    }
    const policy = new iam.Policy(fn, 'TaskResponsePolicy', {
      statements: [
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: ['*'],
        }),
      ],
    });
    policy.attachToRole(fn.role);
    fn.function.node.addDependency(policy);
    NagSuppressions.addResourceSuppressions(policy, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'states:SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat have no resource types in the Service Authorization Reference; the task token authorizes the call, so Resource must be "*".',
        appliesTo: ['Resource::*'],
      },
    ]);
  }
}
