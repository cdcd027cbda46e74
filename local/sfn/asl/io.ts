/**
 * Input and output processing of a state: InputPath → Parameters → (work) → ResultSelector →
 * ResultPath → OutputPath, as the Amazon States Language defines it for the JSONPath query language.
 */
import { StatesError } from './errors';
import { compilePath, PathSyntaxError, writePath } from './jsonpath';
import { evaluateTemplate, readPath } from './paths';
import type { Catcher, ContextObject, Json, PassState, State } from './types';

/** Applies InputPath (`null` → `{}`, absent → the whole input). */
export function applyInputPath(state: State, rawInput: Json, ctx?: ContextObject): Json {
  const p = state.InputPath;
  if (p === undefined || p === '$') return rawInput;
  if (p === null) return {};
  return readPath(p, rawInput, ctx);
}

/** Applies OutputPath (`null` → `{}`, absent → unchanged). */
export function applyOutputPath(state: State, value: Json, ctx?: ContextObject): Json {
  const p = state.OutputPath;
  if (p === undefined || p === '$') return value;
  if (p === null) return {};
  return readPath(p, value, ctx);
}

/** Merges `result` into `rawInput` at a ResultPath (`$`/absent → result, `null` → raw input). */
export function applyResultPath(resultPath: string | null | undefined, rawInput: Json, result: Json): Json {
  if (resultPath === undefined || resultPath === '$') return result;
  if (resultPath === null) return rawInput;
  let cp: ReturnType<typeof compilePath>;
  try {
    cp = compilePath(resultPath);
  } catch (e) {
    throw new StatesError('States.Runtime', e instanceof PathSyntaxError ? e.message : String(e));
  }
  if (cp.context || !cp.reference)
    throw new StatesError(
      'States.Runtime',
      `ResultPath '${resultPath}' must be a reference path to a single node`,
    );
  return writePath(cp, rawInput, result);
}

/** InputPath then Parameters (Pass, Task, Parallel). For Map states only InputPath applies here:
 * a Map's `Parameters` is the legacy name of ItemSelector and is evaluated per item by
 * `mapIterationInput`. For Task states the effective input is what the resource receives. */
export function effectiveInput(state: State, rawInput: Json, ctx: ContextObject): Json {
  const input = applyInputPath(state, rawInput, ctx);
  switch (state.Type) {
    case 'Pass':
    case 'Task':
    case 'Parallel':
      return state.Parameters === undefined ? input : evaluateTemplate(state.Parameters, input, ctx);
    default:
      return input;
  }
}

/** The result of a Pass state: its `Result`, else its effective input. */
export function passResult(state: PassState, effective: Json): Json {
  return state.Result === undefined ? effective : state.Result;
}

/** ResultSelector, then ResultPath (merged into the raw input; `$` replaces; null discards), then OutputPath.
 * For Choice, Wait and Succeed (no ResultPath) pass the state's effective input as `result`: only
 * OutputPath applies. A Fail state's output is `result` unchanged. */
export function effectiveOutput(state: State, rawInput: Json, result: Json, ctx: ContextObject): Json {
  switch (state.Type) {
    case 'Task':
    case 'Parallel':
    case 'Map': {
      const selected =
        state.ResultSelector === undefined ? result : evaluateTemplate(state.ResultSelector, result, ctx);
      return applyOutputPath(state, applyResultPath(state.ResultPath, rawInput, selected), ctx);
    }
    case 'Pass':
      return applyOutputPath(state, applyResultPath(state.ResultPath, rawInput, result), ctx);
    case 'Fail':
      return result;
    default:
      return applyOutputPath(state, result, ctx);
  }
}

/** Applies a catcher's ResultPath to the raw input with {Error, Cause}. */
export function catcherOutput(
  catcher: Catcher,
  rawInput: Json,
  error: { Error: string; Cause: string },
): Json {
  return applyResultPath(catcher.ResultPath, rawInput, { Error: error.Error, Cause: error.Cause });
}
