/**
 * Runtime errors raised by ASL evaluation and the error-name matching rules of Retry/Catch.
 */

/** An ASL runtime error: `error` is the name matched by ErrorEquals (e.g. 'States.Runtime'). */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(`${error}: ${causeText}`);
    this.name = 'StatesError';
  }
}

/** Errors that no wildcard catches: AWS treats them as terminal for the execution. */
const NOT_WILDCARD = new Set(['States.Runtime', 'States.DataLimitExceeded']);
/** Timeouts that `States.TaskFailed` does not match. */
const TIMEOUTS = new Set(['States.Timeout', 'States.HeartbeatTimeout']);

/** Whether one ErrorEquals entry matches an error name. */
function entryMatches(error: string, name: string): boolean {
  if (name === error) return true;
  switch (name) {
    case 'States.ALL':
      return !NOT_WILDCARD.has(error);
    case 'States.TaskFailed':
      return !NOT_WILDCARD.has(error) && !TIMEOUTS.has(error);
    case 'States.Timeout':
      // A missed heartbeat is a kind of timeout: a retrier on States.Timeout covers it too.
      return error === 'States.HeartbeatTimeout';
    default:
      return false;
  }
}

/** AWS semantics: States.ALL matches everything except States.Runtime and States.DataLimitExceeded;
 * States.TaskFailed matches any error except States.Timeout (and those two).
 * `States.HeartbeatTimeout` errors are also matched by `States.Timeout`. Exact names always match. */
export function errorMatches(error: string, errorEquals: readonly string[]): boolean {
  for (const name of errorEquals) if (entryMatches(error, name)) return true;
  return false;
}
