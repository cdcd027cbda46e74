/**
 * A deliberately small interpreter for the subset of JSONPath ASL the workflow compiler emits
 * (Pass, Task, Choice, Map, Fail; Parameters/ResultSelector/ResultPath; States.ArrayContains).
 * It lets unit tests walk a compiled machine's routing with scripted decisions; the real engine
 * is exercised by the local twin's integration tests. It throws on anything it does not know, so
 * a compiler change that needs more of ASL fails loudly here instead of being silently skipped.
 */

type Json = any;

export interface HumanCall {
  state: string;
  payload: Json;
}

export interface SimHandlers {
  /** A human task opened: return the SendTaskSuccess output, or throw to fail the task. */
  human(call: HumanCall): Json;
  /** A system function called (by its substitution name, e.g. `CreateProjectsArn`): return its result. */
  system(substitution: string, payload: Json): Json;
}

export type SimResult =
  | { status: 'SUCCEEDED'; output: Json; path: string[] }
  | { status: 'FAILED'; error: string; cause?: string; path: string[] };

class SimError extends Error {
  constructor(
    readonly error: string,
    readonly detail?: string,
  ) {
    super(`${error}: ${detail ?? ''}`);
  }
}

interface Ctx {
  Execution: { Id: string; Input: Json };
  Task?: { Token: string };
  Map?: { Item: { Value: Json; Index: number } };
}

/** Runs a compiled machine (after substitutions or not: resources are matched by their shape). */
export function simulate(
  aslText: string,
  input: Json,
  handlers: SimHandlers,
  maxTransitions = 2000,
): SimResult {
  const machine = JSON.parse(aslText);
  const path: string[] = [];
  const ctx: Ctx = { Execution: { Id: 'arn:sim:execution:test', Input: clone(input) } };
  let budget = maxTransitions;
  let tokens = 0;

  function run(states: Record<string, Json>, startAt: string, data: Json, ctxBase: Ctx): Json {
    let name = startAt;
    let current = data;
    for (;;) {
      if (--budget < 0) throw new Error('transition budget exhausted (infinite loop?)');
      const state = states[name];
      if (!state) throw new Error(`no state named ${name}`);
      path.push(name);
      const step = (): { next?: string; out: Json } => {
        switch (state.Type) {
          case 'Pass': {
            const result =
              'Parameters' in state
                ? template(state.Parameters, current, ctxBase)
                : 'Result' in state
                  ? clone(state.Result)
                  : current;
            return { next: state.Next, out: applyResultPath(current, state.ResultPath, result) };
          }
          case 'Fail':
            throw new SimError(state.Error, state.Cause);
          case 'Choice': {
            const rule = (state.Choices as Json[]).find((r) => matches(r, current));
            const next = rule ? rule.Next : state.Default;
            if (!next) throw new SimError('States.NoChoiceMatched');
            return { next, out: current };
          }
          case 'Task': {
            const taskCtx: Ctx = { ...ctxBase, Task: { Token: `token-${++tokens}` } };
            const params = template(state.Parameters, current, taskCtx);
            let result: Json;
            try {
              result = invoke(state.Resource, params, name);
            } catch (e) {
              return handleCatch(state, current, e);
            }
            if (state.ResultSelector) result = template(state.ResultSelector, result, taskCtx);
            return { next: state.Next, out: applyResultPath(current, state.ResultPath, result) };
          }
          case 'Map': {
            const items = getPath(current, state.ItemsPath ?? '$');
            if (!Array.isArray(items)) throw new SimError('States.Runtime', 'ItemsPath is not an array');
            let results: Json[];
            try {
              results = items.map((value, index) => {
                const itemCtx: Ctx = { ...ctxBase, Map: { Item: { Value: value, Index: index } } };
                const itemInput = state.ItemSelector ? template(state.ItemSelector, current, itemCtx) : value;
                const proc = state.ItemProcessor;
                return run(proc.States, proc.StartAt, itemInput, itemCtx);
              });
            } catch (e) {
              return handleCatch(state, current, e);
            }
            let result: Json = results;
            if (state.ResultSelector) result = template(state.ResultSelector, results, ctxBase);
            return { next: state.Next, out: applyResultPath(current, state.ResultPath, result) };
          }
          default:
            throw new Error(`simulator does not support state type ${state.Type}`);
        }
      };
      const { next, out } = step();
      current = out;
      if (state.End || !next) {
        if (!state.End) throw new Error(`state ${name} has neither Next nor End`);
        return current;
      }
      name = next;
    }
  }

  function handleCatch(state: Json, current: Json, e: unknown): { next: string; out: Json } {
    const err = e instanceof SimError ? e : new SimError((e as Error).name || 'Error', (e as Error).message);
    const rule = (state.Catch ?? []).find((c: Json) =>
      (c.ErrorEquals as string[]).some((x) => x === 'States.ALL' || x === err.error),
    );
    if (!rule) throw err;
    const info = { Error: err.error, Cause: err.detail ?? '' };
    return { next: rule.Next, out: applyResultPath(current, rule.ResultPath, info) };
  }

  function invoke(resource: string, params: Json, stateName: string): Json {
    const fn = /^\$\{(\w+)\}$/.exec(params.FunctionName)?.[1] ?? params.FunctionName;
    if (/:states:::lambda:invoke\.waitForTaskToken$/.test(resource)) {
      return handlers.human({ state: stateName, payload: params.Payload });
    }
    if (/:states:::lambda:invoke$/.test(resource)) return { Payload: handlers.system(fn, params.Payload) };
    throw new Error(`simulator does not support resource ${resource}`);
  }

  try {
    const output = run(machine.States, machine.StartAt, clone(input), ctx);
    return { status: 'SUCCEEDED', output, path };
  } catch (e) {
    if (e instanceof SimError) return { status: 'FAILED', error: e.error, cause: e.detail, path };
    throw e;
  }

  function template(tpl: Json, data: Json, c: Ctx): Json {
    if (Array.isArray(tpl)) return tpl.map((x) => template(x, data, c));
    if (!tpl || typeof tpl !== 'object') return tpl;
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(tpl)) {
      if (k.endsWith('.$')) out[k.slice(0, -2)] = evaluate(v as string, data, c);
      else out[k] = template(v, data, c);
    }
    return out;
  }

  function evaluate(expr: string, data: Json, c: Ctx): Json {
    const call = /^States\.ArrayContains\((\$[^,]*),\s*'([^']*)'\)$/.exec(expr);
    if (call) {
      const arr = evaluate(call[1], data, c);
      if (!Array.isArray(arr)) throw new SimError('States.IntrinsicFailure', 'not an array');
      return arr.includes(call[2]);
    }
    if (expr.startsWith('States.')) throw new Error(`simulator does not support ${expr}`);
    if (expr.startsWith('$$')) return getPath(c, expr.slice(1));
    return getPath(data, expr);
  }
}

function matches(rule: Json, data: Json): boolean {
  if (rule.Not) return !matches(rule.Not, data);
  if (rule.And) return (rule.And as Json[]).every((r) => matches(r, data));
  if (rule.Or) return (rule.Or as Json[]).some((r) => matches(r, data));
  if ('IsPresent' in rule) return hasPath(data, rule.Variable) === rule.IsPresent;
  const value = getPath(data, rule.Variable);
  if ('StringEquals' in rule) return value === rule.StringEquals;
  if ('BooleanEquals' in rule) return value === rule.BooleanEquals;
  throw new Error(`simulator does not support rule ${JSON.stringify(rule)}`);
}

type Segment = { key: string } | { index: number } | { all: true };

function parse(path: string): Segment[] {
  if (!path.startsWith('$')) throw new Error(`bad path ${path}`);
  const segs: Segment[] = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[\*\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) throw new Error(`simulator cannot parse path ${path}`);
    if (m[1] !== undefined) segs.push({ key: m[1] });
    else if (m[2] !== undefined) segs.push({ index: Number(m[2]) });
    else segs.push({ all: true });
  }
  return segs;
}

function getPath(data: Json, path: string): Json {
  const segs = parse(path);
  const multi = segs.some((s) => 'all' in s);
  let nodes: Json[] = [data];
  for (const s of segs) {
    const next: Json[] = [];
    for (const n of nodes) {
      if ('all' in s) {
        if (Array.isArray(n)) next.push(...n);
      } else if ('key' in s) {
        if (n && typeof n === 'object' && !Array.isArray(n) && s.key in n) next.push(n[s.key]);
      } else if (Array.isArray(n) && s.index < n.length) next.push(n[s.index]);
    }
    nodes = next;
  }
  if (multi) return nodes;
  if (nodes.length === 0) throw new SimError('States.Runtime', `path ${path} not found`);
  return nodes[0];
}

function hasPath(data: Json, path: string): boolean {
  try {
    getPath(data, path);
    return true;
  } catch {
    return false;
  }
}

function applyResultPath(input: Json, resultPath: string | null | undefined, result: Json): Json {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return result;
  const segs = parse(resultPath);
  const root = clone(input);
  let node = root;
  segs.forEach((s, i) => {
    if (!('key' in s)) throw new Error(`simulator supports only object keys in ResultPath: ${resultPath}`);
    if (i === segs.length - 1) node[s.key] = result;
    else {
      if (!node[s.key] || typeof node[s.key] !== 'object') node[s.key] = {};
      node = node[s.key];
    }
  });
  return root;
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}
