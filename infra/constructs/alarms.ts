import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { MinshengFunction } from './function';

/** The custom metric of overdue tasks the functions emit (EMF), per county. */
export const TASKS_OVERDUE_METRIC = {
  namespace: 'Minsheng',
  metricName: 'TasksOverdue',
  dimension: 'County',
};

/** Properties of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /**
   * An existing topic: its ARN, or its name in the deployment account and region.
   * @default a new topic, encrypted with a key CloudWatch alarms may use
   */
  readonly existing?: string;
}

/**
 * Where every alarm of the deployment goes (`minsheng:alarmTopic` in cdk.json names an existing one).
 * A created topic is encrypted with its own KMS key, whose policy lets CloudWatch alarms of this
 * account publish (the AWS managed SNS key does not), and accepts TLS only.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    if (props.existing) {
      const arn = props.existing.startsWith('arn:')
        ? props.existing
        : Stack.of(this).formatArn({ service: 'sns', resource: props.existing });
      this.topic = sns.Topic.fromTopicArn(this, 'Topic', arn);
      return;
    }
    const key = new kms.Key(this, 'Key', { description: 'Minsheng alarm topic', enableKeyRotation: true });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Minsheng alarms',
      masterKey: key,
      enforceSSL: true,
    });
  }
}

/** Properties of {@link MinshengAlarms}. */
export interface MinshengAlarmsProps {
  /** Where alarms (and their return to OK) are sent. */
  readonly topic: sns.ITopic;
  /** A label for alarm descriptions: `city 340100` or `county 340102`. */
  readonly label: string;
}

/**
 * The alarms of one stack, each on a one-minute or five-minute period, sending ALARM and OK to the
 * topic: dead-letter depth, API 5xx answers, function errors, failed/aborted/timed-out executions,
 * and tasks overdue past their escalation (a custom metric per county).
 */
export class MinshengAlarms extends Construct {
  readonly #action: actions.SnsAction;
  readonly #label: string;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MinshengAlarmsProps) {
    super(scope, id);
    this.#action = new actions.SnsAction(props.topic);
    this.#label = props.label;
  }

  #add(id: string, alarm: cloudwatch.AlarmProps & { metric: cloudwatch.IMetric }): cloudwatch.Alarm {
    const a = new cloudwatch.Alarm(this, id, {
      ...alarm,
      alarmDescription: `Minsheng ${this.#label}: ${alarm.alarmDescription}`,
      treatMissingData: alarm.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(this.#action);
    a.addOkAction(this.#action);
    this.alarms.push(a);
    return a;
  }

  /** Any message waiting in a dead-letter queue: an event, schedule or invocation that gave up. */
  watchDeadLetters(queue: sqs.IQueue): void {
    this.#add('DeadLetters', {
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      alarmDescription: 'messages in the dead-letter queue (undelivered events, schedules or invocations)',
    });
  }

  /** 5xx answers of an HTTP API: any in two consecutive minutes. */
  watchHttpApi(api: apigw.HttpApi, stage = '$default'): void {
    this.#add('Api5xx', {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName: '5xx',
        dimensionsMap: { ApiId: api.apiId, Stage: stage },
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      alarmDescription: 'the API answered 5xx',
    });
  }

  /** Errors (unhandled exceptions, timeouts) of one function. */
  watchFunction(fn: MinshengFunction): void {
    this.#add(`${fn.spec.id}Errors`, {
      metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      alarmDescription: `function ${fn.spec.id} failed`,
    });
  }

  /** Executions that failed, were aborted or timed out. */
  watchStateMachine(workflowId: string, machine: sfn.StateMachine): void {
    const m = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/States',
        metricName,
        dimensionsMap: { StateMachineArn: machine.stateMachineArn },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    this.#add(`${workflowId.replace(/[^A-Za-z0-9]/g, '')}ExecutionsNotSucceeded`, {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(aborted, 0) + FILL(timedOut, 0)',
        usingMetrics: {
          failed: m('ExecutionsFailed'),
          aborted: m('ExecutionsAborted'),
          timedOut: m('ExecutionsTimedOut'),
        },
        period: Duration.minutes(5),
        label: 'executions failed, aborted or timed out',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      alarmDescription: `workflow ${workflowId}: executions failed, aborted or timed out`,
    });
  }

  /**
   * Tasks past their escalation date in a county (`Minsheng/TasksOverdue`, dimension `County`, the
   * largest value reported in the hour).
   */
  watchOverdueTasks(county: string): void {
    this.#add('TasksOverdue', {
      metric: new cloudwatch.Metric({
        namespace: TASKS_OVERDUE_METRIC.namespace,
        metricName: TASKS_OVERDUE_METRIC.metricName,
        dimensionsMap: { [TASKS_OVERDUE_METRIC.dimension]: county },
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      alarmDescription: `tasks of county ${county} overdue beyond their escalation`,
    });
  }
}
