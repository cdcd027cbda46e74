/** Messages between the invoker (main thread) and a stack's worker thread. */

/** The error payload Lambda returns for a failed invoke. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export interface InvokeRequest {
  id: number;
  /** Absolute path of the function bundle. */
  file: string;
  /** Registry entry (for error messages). */
  entry: string;
  handler: string;
  /** The event as JSON text (a Lambda payload is JSON). */
  event: string;
  timeoutMs: number;
  clockOffsetMs: number;
  context: {
    functionName: string;
    invokedFunctionArn: string;
    memoryLimitInMB: number;
    awsRequestId: string;
  };
}

export type InvokeResponse =
  | { id: number; ok: true /** JSON text */; payload: string }
  | { id: number; ok: false; error: LambdaErrorPayload };
