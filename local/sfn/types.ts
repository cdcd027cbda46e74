/**
 * Invokes a Lambda function the way the Lambda Invoke API does (RequestResponse).
 * `functionName` is a name or ARN, maybe qualified (`name:alias`, `...:function:name:3`).
 * An unknown function makes the invoker throw an error whose `name` is `ResourceNotFoundException`;
 * a handler error resolves with `functionError` set and the error object
 * (`{errorType, errorMessage, trace}`) as `payload`.
 */
export type LambdaInvoker = (
  functionName: string,
  payload: unknown,
) => Promise<{
  statusCode: number;
  payload: unknown;
  functionError?: 'Unhandled' | 'Handled';
  executedVersion: string;
}>;

/** An AWS API error: answered as HTTP `status` with `{"__type": name, "message": message}`. */
export class SfnApiError extends Error {
  constructor(
    /** AWS error code, e.g. `ExecutionDoesNotExist`. */
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** Execution status as AWS names it. */
export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

/**
 * `detail` of the EventBridge event "Step Functions Execution Status Change", as AWS sends it:
 * dates in epoch milliseconds; `input`/`output` are JSON text, left out (null, `included: false`)
 * when they would exceed EventBridge's event size, as AWS does.
 */
export interface ExecutionStatusChangeDetail {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startDate: number;
  stopDate: number | null;
  input: string | null;
  output: string | null;
  inputDetails: { included: boolean };
  outputDetails: { included: boolean } | null;
  error: string | null;
  cause: string | null;
  /** Only when the execution was started through a version or an alias. */
  stateMachineVersionArn?: string;
  /** Only when the execution was started through an alias. */
  stateMachineAliasArn?: string;
  redriveCount: number;
  redriveDate: number | null;
  redriveStatus: 'NOT_REDRIVABLE';
  redriveStatusReason: string;
}

/** The EventBridge event Step Functions emits when an execution's status changes. `id` is stable
 * across redeliveries of the same notification, so consumers can drop duplicates. */
export interface ExecutionStatusChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'Step Functions Execution Status Change';
  source: 'aws.states';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: ExecutionStatusChangeDetail;
}

/**
 * Receives status-change notifications, at least once each: the notification is recorded in the
 * engine's store in the same transaction as the status change and removed once this resolves; a
 * rejection (or a crash before it resolves) delivers it again (after a back-off, or on the next start).
 * Notifications of one execution arrive in order; different executions' run concurrently.
 */
export type ExecutionStatusChangeListener = (event: ExecutionStatusChangeEvent) => void | Promise<void>;
