/**
 * Amazon States Language (JSONPath query language) semantics for the local Step Functions engine:
 * validation, paths, payload templates, intrinsic functions, Choice rules, Wait, Retry/Catch, Map.
 * Pure functions only: no I/O, no clocks (callers pass `nowMs`), no timers.
 */

export { evaluateChoiceRule, nextForChoice } from './choice';
export { errorMatches, StatesError } from './errors';
export { evaluateIntrinsic, INTRINSIC_NAMES, parseIntrinsic } from './intrinsics';
export {
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  catcherOutput,
  effectiveInput,
  effectiveOutput,
  passResult,
} from './io';
export { compilePath, isValidPath, jsonEquals, NOT_FOUND } from './jsonpath';
export { mapItems, mapIterationInput, mapMaxConcurrency, mapProcessor } from './map';
export { evaluateTemplate, readPath, readPathOrIntrinsic, tryReadPath } from './paths';
export { findCatcher, findRetrier, retryDelayMs } from './retry';
export { failInfo, taskTimeouts } from './task';
export { isTimestamp, parseTimestamp } from './timestamp';
export * from './types';
export { validateDefinition } from './validate';
export { waitDueAt } from './wait';
