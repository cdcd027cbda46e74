/** Inline Map state helpers. */
import { StatesError } from './errors';
import { evaluateTemplate, readPath } from './paths';
import type { ContextObject, Json, MapState, StateMachineDefinition } from './types';

/** Items of a Map state (ItemsPath, default `$`; must be an array else States.Runtime). */
export function mapItems(state: MapState, effectiveInput: Json, ctx?: ContextObject): Json[] {
  const path = state.ItemsPath ?? '$';
  const items = path === '$' ? effectiveInput : readPath(path, effectiveInput, ctx);
  if (!Array.isArray(items))
    throw new StatesError(
      'States.Runtime',
      `Invalid path '${path}': the ItemsPath must reference a JSON array, got ${items === null ? 'null' : typeof items}`,
    );
  return items;
}

/** Input of one iteration: ItemSelector (or legacy Parameters) evaluated with $$.Map.Item, else the item.
 * `ctx` is the Map state's context; its `Map.Item` is set here. */
export function mapIterationInput(
  state: MapState,
  effectiveInput: Json,
  item: Json,
  index: number,
  ctx: ContextObject,
): Json {
  const selector = state.ItemSelector ?? state.Parameters;
  if (selector === undefined) return item;
  return evaluateTemplate(selector, effectiveInput, { ...ctx, Map: { Item: { Index: index, Value: item } } });
}

/** The iteration's state machine: ItemProcessor, else the legacy Iterator. */
export function mapProcessor(state: MapState): StateMachineDefinition {
  const p = state.ItemProcessor ?? state.Iterator;
  if (!p) throw new StatesError('States.Runtime', 'A Map state needs an ItemProcessor or Iterator');
  return p;
}

/** MaxConcurrency (or MaxConcurrencyPath resolved against `input`); 0 = unlimited. */
export function mapMaxConcurrency(state: MapState, input: Json, ctx?: ContextObject): number {
  if (state.MaxConcurrency !== undefined) return state.MaxConcurrency;
  if (state.MaxConcurrencyPath !== undefined) {
    const v = readPath(state.MaxConcurrencyPath, input, ctx);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new StatesError(
        'States.Runtime',
        `The MaxConcurrencyPath '${state.MaxConcurrencyPath}' must reference a non-negative integer, got ${JSON.stringify(v)}`,
      );
    return v;
  }
  return 0;
}
