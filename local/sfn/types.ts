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
