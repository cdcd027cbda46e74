/** JSON value as carried through a state machine. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One Retry entry of a Task, Parallel or Map state. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}
/** One Catch entry of a Task, Parallel or Map state. */
export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}
/** Fields common to all state types. */
export interface StateBase {
  Type: string;
  Comment?: string;
  Next?: string;
  End?: boolean;
  InputPath?: string | null;
  OutputPath?: string | null;
}
export interface PassState extends StateBase {
  Type: 'Pass';
  Result?: Json;
  ResultPath?: string | null;
  Parameters?: Json;
}
export interface TaskState extends StateBase {
  Type: 'Task';
  Resource: string;
  Parameters?: Json;
  ResultSelector?: Json;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
}
export interface ChoiceState extends StateBase {
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default?: string;
}
/** A Choice rule: a comparison (Variable + one operator), or And/Or/Not; top-level rules carry Next. */
export type ChoiceRule = Record<string, any> & { Next?: string };
export interface WaitState extends StateBase {
  Type: 'Wait';
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
}
export interface SucceedState extends StateBase {
  Type: 'Succeed';
}
export interface FailState extends StateBase {
  Type: 'Fail';
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}
export interface ParallelState extends StateBase {
  Type: 'Parallel';
  Branches: StateMachineDefinition[];
  Parameters?: Json;
  ResultSelector?: Json;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}
export interface MapState extends StateBase {
  Type: 'Map';
  ItemsPath?: string;
  ItemSelector?: Json;
  Parameters?: Json;
  MaxConcurrency?: number;
  MaxConcurrencyPath?: string;
  ItemProcessor?: StateMachineDefinition & { ProcessorConfig?: Json };
  Iterator?: StateMachineDefinition;
  ResultSelector?: Json;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}
export type State =
  | PassState
  | TaskState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;
/** A state machine (or a Parallel branch / Map processor). */
export interface StateMachineDefinition {
  StartAt: string;
  States: Record<string, State>;
  Comment?: string;
  TimeoutSeconds?: number;
  Version?: string;
  QueryLanguage?: 'JSONPath' | 'JSONata';
}
/** The `$$` context object. */
export interface ContextObject {
  Execution: {
    Id: string;
    Input: Json;
    Name: string;
    RoleArn: string;
    StartTime: string;
    RedriveCount?: number;
  };
  State: { EnteredTime: string; Name: string; RetryCount: number };
  StateMachine: { Id: string; Name: string };
  Task?: { Token: string };
  Map?: { Item: { Index: number; Value: Json } };
}
