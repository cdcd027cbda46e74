/**
 * Definition validation as CreateStateMachine / UpdateStateMachine perform it for the JSONPath
 * query language. Every problem is reported with an AWS-style code and a JSON-pointer location,
 * e.g. `MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/A/Next`.
 */
import { CHOICE_OPERATORS, COMPARISONS, TYPE_TESTS } from './choice';
import { IntrinsicSyntaxError, isIntrinsicCall, parseIntrinsic } from './intrinsics';
import { type CompiledPath, compilePath } from './jsonpath';
import { isTimestamp } from './timestamp';
import type { StateMachineDefinition } from './types';

type Obj = Record<string, unknown>;

/** AWS's limit on a definition's size. */
const MAX_DEFINITION_CHARS = 1_048_576;
const MAX_STATE_NAME = 80;
const MAX_INT = 99_999_999;

const STATE_TYPES = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const IO = ['InputPath', 'OutputPath'];
const FLOW = ['Next', 'End'];
/** Fields each state type accepts (JSONPath query language). */
const ALLOWED: Record<string, readonly string[]> = {
  Pass: [...COMMON, ...IO, ...FLOW, 'ResultPath', 'Parameters', 'Result'],
  Task: [
    ...COMMON,
    ...IO,
    ...FLOW,
    'ResultPath',
    'Parameters',
    'ResultSelector',
    'Resource',
    'Retry',
    'Catch',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Credentials',
  ],
  Choice: [...COMMON, ...IO, 'Choices', 'Default'],
  Wait: [...COMMON, ...IO, ...FLOW, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'],
  Succeed: [...COMMON, ...IO],
  Fail: [...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath'],
  Parallel: [
    ...COMMON,
    ...IO,
    ...FLOW,
    'ResultPath',
    'Parameters',
    'ResultSelector',
    'Branches',
    'Retry',
    'Catch',
  ],
  Map: [
    ...COMMON,
    ...IO,
    ...FLOW,
    'ResultPath',
    'Parameters',
    'ResultSelector',
    'ItemsPath',
    'ItemSelector',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'Iterator',
    'ItemProcessor',
    'Retry',
    'Catch',
  ],
};
/** Fields that belong to features this engine does not implement: named in a clear message. */
const UNSUPPORTED: Record<string, string> = {
  Assign: 'workflow variables (Assign) are not supported by this engine',
  Output: 'the Output field belongs to the JSONata query language, which this engine does not support',
  Arguments: 'the Arguments field belongs to the JSONata query language, which this engine does not support',
  Items: 'the Items field belongs to the JSONata query language, which this engine does not support',
  ItemReader: 'distributed Map (ItemReader) is not supported by this engine',
  ItemBatcher: 'distributed Map (ItemBatcher) is not supported by this engine',
  ResultWriter: 'distributed Map (ResultWriter) is not supported by this engine',
  ToleratedFailurePercentage: 'distributed Map (ToleratedFailurePercentage) is not supported by this engine',
  ToleratedFailurePercentagePath:
    'distributed Map (ToleratedFailurePercentagePath) is not supported by this engine',
  ToleratedFailureCount: 'distributed Map (ToleratedFailureCount) is not supported by this engine',
  ToleratedFailureCountPath: 'distributed Map (ToleratedFailureCountPath) is not supported by this engine',
  Label: 'distributed Map (Label) is not supported by this engine',
};
const JSONATA_MSG =
  "the JSONata query language is not supported by this engine; use 'JSONPath' (the default)";

/** The optimised Lambda integration (request-response and callback). */
const LAMBDA_INVOKE = /^arn:[^:]+:states:::lambda:invoke(\.waitForTaskToken)?$/;
/** A Lambda function ARN, maybe qualified (the plain Lambda task). */
const LAMBDA_FUNCTION = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;
const LAMBDA_FIELDS = ['FunctionName', 'Payload', 'InvocationType', 'ClientContext', 'Qualifier', 'LogType'];

const RETRIER_FIELDS = [
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'Comment',
];
const CATCHER_FIELDS = ['ErrorEquals', 'Next', 'ResultPath', 'Comment'];
const RULE_COMBINATORS = ['And', 'Or', 'Not'];
const OPERATOR_SET = new Set([...CHOICE_OPERATORS, ...RULE_COMBINATORS]);

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** JSON-pointer escaping of one reference token. */
const tok = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

interface Scope {
  names: Set<string>;
  loc: string;
}

class Validator {
  readonly errors: string[] = [];
  /** Every state name in the whole machine (names must be unique across branches too). */
  readonly allNames = new Map<string, string>();

  add(code: string, msg: string, loc: string): void {
    this.errors.push(`${code}: ${msg} at ${loc || '/'}`);
  }

  schema(msg: string, loc: string): void {
    this.add('SCHEMA_VALIDATION_FAILED', msg, loc);
  }

  // -- field shape helpers -----------------------------------------------------------------

  str(o: Obj, key: string, loc: string, required = false): string | undefined {
    const v = o[key];
    if (v === undefined) {
      if (required) this.schema(`These fields are required: [${key}]`, loc);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.schema(`The value for the field '${key}' must be a STRING`, `${loc}/${key}`);
      return undefined;
    }
    return v;
  }

  int(o: Obj, key: string, loc: string, min: number, max = MAX_INT): number | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (!isInt(v) || v < min || v > max) {
      this.schema(
        `The value for the field '${key}' must be an INTEGER between ${min} and ${max}`,
        `${loc}/${key}`,
      );
      return undefined;
    }
    return v;
  }

  /** Reports two fields that must not both be set. */
  exclusive(o: Obj, a: string, b: string, loc: string): void {
    if (o[a] !== undefined && o[b] !== undefined)
      this.schema(`The fields '${a}' and '${b}' cannot both be set`, loc);
  }

  /** A required, non-empty array field; undefined (and reported) when it is missing or not one. */
  nonEmptyArray(o: Obj, key: string, loc: string): unknown[] | undefined {
    const v = o[key];
    if (v === undefined) this.schema(`These fields are required: [${key}]`, loc);
    else if (!Array.isArray(v) || v.length === 0)
      this.schema(`The value for the field '${key}' must be a non-empty ARRAY`, `${loc}/${key}`);
    else return v;
    return undefined;
  }

  path(
    o: Obj,
    key: string,
    loc: string,
    opts: { reference?: boolean; nullable?: boolean; context?: boolean },
  ): void {
    const v = o[key];
    if (v === undefined) return;
    const at = `${loc}/${key}`;
    if (v === null) {
      if (!opts.nullable) this.schema(`The value for the field '${key}' cannot be null`, at);
      return;
    }
    if (typeof v !== 'string') {
      this.schema(`The value for the field '${key}' must be a STRING`, at);
      return;
    }
    this.checkPath(key, v, at, opts);
  }

  checkPath(
    key: string,
    v: string,
    at: string,
    opts: { reference?: boolean; context?: boolean },
  ): CompiledPath | undefined {
    let cp: CompiledPath;
    try {
      cp = compilePath(v);
    } catch (e) {
      this.schema(`The value for the field '${key}' must be a valid JSONPath: ${(e as Error).message}`, at);
      return undefined;
    }
    if (cp.context && opts.context === false) {
      this.schema(`The value for the field '${key}' cannot refer to the context object ($$)`, at);
      return undefined;
    }
    if (opts.reference && !cp.reference) {
      this.schema(
        `The value for the field '${key}' must be a valid ReferencePath (names and indexes only, no wildcards, filters, slices or '..'): '${v}'`,
        at,
      );
      return undefined;
    }
    return cp;
  }

  /** A path or an intrinsic call (the value of a `.$` key, ErrorPath, CausePath). */
  dynamic(key: string, v: string, at: string): void {
    if (isIntrinsicCall(v)) {
      try {
        parseIntrinsic(v);
      } catch (e) {
        const msg = e instanceof IntrinsicSyntaxError ? e.message : String(e);
        this.schema(`The value for the field '${key}' must be a valid intrinsic function call: ${msg}`, at);
      }
      return;
    }
    if (!v.startsWith('$')) {
      this.schema(
        `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call: '${v}'`,
        at,
      );
      return;
    }
    this.checkPath(key, v, at, {});
  }

  /** Payload templates: every `.$` key takes a path or intrinsic call. */
  template(v: unknown, at: string, mustBeObject: string | undefined): void {
    if (mustBeObject && !isObj(v)) {
      this.schema(`The value for the field '${mustBeObject}' must be an OBJECT`, at);
      return;
    }
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) this.template(x, `${at}/${i}`, undefined);
      return;
    }
    if (!isObj(v)) return;
    for (const [k, x] of Object.entries(v)) {
      const kat = `${at}/${tok(k)}`;
      if (k.endsWith('.$')) {
        if (Object.hasOwn(v, k.slice(0, -2)))
          this.schema(`The field '${k.slice(0, -2)}' is defined twice (also as '${k}')`, kat);
        if (typeof x !== 'string') this.schema(`The value for the field '${k}' must be a STRING`, kat);
        else this.dynamic(k, x, kat);
      } else this.template(x, kat, undefined);
    }
  }

  fields(o: Obj, allowed: readonly string[], loc: string, what: string): void {
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      if (UNSUPPORTED[k])
        this.schema(`The field '${k}' is not supported: ${UNSUPPORTED[k]}`, `${loc}/${tok(k)}`);
      else this.schema(`The field '${k}' is not supported for ${what}`, `${loc}/${tok(k)}`);
    }
  }

  target(scope: Scope, name: unknown, field: string, at: string): void {
    if (typeof name !== 'string') {
      this.schema(`The value for the field '${field}' must be a STRING`, at);
      return;
    }
    if (!scope.names.has(name))
      this.add('MISSING_TRANSITION_TARGET', `Missing '${field}' target: ${name}`, at);
  }

  queryLanguage(o: Obj, loc: string): void {
    const q = o.QueryLanguage;
    if (q === undefined || q === 'JSONPath') return;
    if (q === 'JSONata')
      this.schema(`QueryLanguage 'JSONata' is not supported: ${JSONATA_MSG}`, `${loc}/QueryLanguage`);
    else
      this.schema(
        "The value for the field 'QueryLanguage' must be 'JSONPath' or 'JSONata'",
        `${loc}/QueryLanguage`,
      );
  }

  // -- machines and states -----------------------------------------------------------------

  machine(def: unknown, loc: string, kind: 'root' | 'branch' | 'processor'): void {
    if (!isObj(def)) {
      this.schema(
        kind === 'root'
          ? 'The state machine definition must be a JSON object'
          : 'The value must be an OBJECT',
        loc,
      );
      return;
    }
    const allowed =
      kind === 'root'
        ? ['StartAt', 'States', 'Comment', 'TimeoutSeconds', 'Version', 'QueryLanguage']
        : kind === 'branch'
          ? ['StartAt', 'States', 'Comment', 'QueryLanguage']
          : ['StartAt', 'States', 'Comment', 'QueryLanguage', 'ProcessorConfig'];
    this.fields(
      def,
      allowed,
      loc,
      kind === 'root' ? 'a state machine' : kind === 'branch' ? 'a branch' : 'a processor',
    );
    this.queryLanguage(def, loc);
    this.str(def, 'Comment', loc);
    if (kind === 'root') {
      this.int(def, 'TimeoutSeconds', loc, 1);
      this.str(def, 'Version', loc);
    }
    if (kind === 'processor' && def.ProcessorConfig !== undefined)
      this.processorConfig(def.ProcessorConfig, loc);
    const startAt = this.str(def, 'StartAt', loc, true);
    const states = def.States;
    if (states === undefined) {
      this.schema('These fields are required: [States]', loc);
      return;
    }
    const sloc = `${loc}/States`;
    if (!isObj(states)) {
      this.schema("The value for the field 'States' must be an OBJECT", sloc);
      return;
    }
    const names = Object.keys(states);
    if (names.length === 0) {
      this.schema("The field 'States' must contain at least one state", sloc);
      return;
    }
    const scope: Scope = { names: new Set(names), loc: sloc };
    for (const name of names) {
      const at = `${sloc}/${tok(name)}`;
      const seen = this.allNames.get(name);
      if (seen !== undefined)
        this.add('DUPLICATE_STATE_NAME', `Duplicate State name: ${name} (also at ${seen})`, at);
      else this.allNames.set(name, at);
      if (name.length === 0 || name.length > MAX_STATE_NAME)
        this.schema(`State names must be 1 to ${MAX_STATE_NAME} characters long: '${name}'`, at);
    }
    if (startAt !== undefined && !scope.names.has(startAt))
      this.add('MISSING_TRANSITION_TARGET', `Missing 'StartAt' target: ${startAt}`, `${loc}/StartAt`);
    for (const name of names) this.state(name, states[name], scope);
    this.reachability(states, startAt, scope);
  }

  processorConfig(pc: unknown, loc: string): void {
    const at = `${loc}/ProcessorConfig`;
    if (!isObj(pc)) {
      this.schema("The value for the field 'ProcessorConfig' must be an OBJECT", at);
      return;
    }
    this.fields(pc, ['Mode', 'ExecutionType'], at, 'ProcessorConfig');
    if (pc.Mode === 'DISTRIBUTED')
      this.schema(
        'ProcessorConfig Mode DISTRIBUTED (distributed Map) is not supported by this engine; use INLINE',
        `${at}/Mode`,
      );
    else if (pc.Mode !== undefined && pc.Mode !== 'INLINE')
      this.schema("The value for the field 'Mode' must be 'INLINE' or 'DISTRIBUTED'", `${at}/Mode`);
    if (pc.ExecutionType !== undefined && pc.Mode !== 'DISTRIBUTED')
      this.schema("The field 'ExecutionType' is only allowed with Mode DISTRIBUTED", `${at}/ExecutionType`);
  }

  state(name: string, st: unknown, scope: Scope): void {
    const loc = `${scope.loc}/${tok(name)}`;
    if (!isObj(st)) {
      this.schema(`State '${name}' must be a JSON object`, loc);
      return;
    }
    const type = st.Type;
    if (type === undefined) {
      this.schema('These fields are required: [Type]', loc);
      return;
    }
    if (typeof type !== 'string' || !(STATE_TYPES as readonly string[]).includes(type)) {
      this.schema(
        `'${String(type)}' is not a valid state type; the Type must be one of ${STATE_TYPES.join(', ')}`,
        `${loc}/Type`,
      );
      return;
    }
    this.fields(st, ALLOWED[type], loc, `'${type}' states`);
    this.queryLanguage(st, loc);
    this.str(st, 'Comment', loc);
    // Transitions
    if (type !== 'Choice' && type !== 'Succeed' && type !== 'Fail') {
      const hasNext = st.Next !== undefined;
      const end = st.End;
      if (end !== undefined && typeof end !== 'boolean')
        this.schema("The value for the field 'End' must be a BOOLEAN", `${loc}/End`);
      if (hasNext && end === true)
        this.schema(`State '${name}' cannot have both 'Next' and 'End': true; use one of them`, loc);
      else if (!hasNext && end !== true)
        this.schema(`State '${name}' must have either a 'Next' field or 'End': true`, loc);
      if (hasNext) this.target(scope, st.Next, 'Next', `${loc}/Next`);
    }
    // Input/output processing (fields not allowed for the type were reported above)
    const allowed = ALLOWED[type];
    if (allowed.includes('InputPath')) {
      this.path(st, 'InputPath', loc, { nullable: true });
      this.path(st, 'OutputPath', loc, { nullable: true });
    }
    if (allowed.includes('ResultPath'))
      this.path(st, 'ResultPath', loc, { reference: true, nullable: true, context: false });
    if (allowed.includes('Parameters') && st.Parameters !== undefined)
      this.template(st.Parameters, `${loc}/Parameters`, type === 'Pass' ? undefined : 'Parameters');
    if (allowed.includes('ResultSelector') && st.ResultSelector !== undefined)
      this.template(st.ResultSelector, `${loc}/ResultSelector`, 'ResultSelector');
    if (allowed.includes('Retry') && st.Retry !== undefined) this.retry(st.Retry, `${loc}/Retry`);
    if (allowed.includes('Catch') && st.Catch !== undefined) this.catch(st.Catch, `${loc}/Catch`, scope);
    switch (type) {
      case 'Task':
        this.task(st, loc);
        break;
      case 'Choice':
        this.choice(st, loc, scope);
        break;
      case 'Wait':
        this.wait(st, loc);
        break;
      case 'Fail':
        this.fail(st, loc);
        break;
      case 'Parallel':
        this.parallel(st, loc);
        break;
      case 'Map':
        this.map(st, loc);
        break;
    }
  }

  task(st: Obj, loc: string): void {
    const res = this.str(st, 'Resource', loc, true);
    if (res !== undefined && !/^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+/.test(res))
      this.schema(`Value is not a valid resource ARN: '${res}'`, `${loc}/Resource`);
    if (res !== undefined && LAMBDA_INVOKE.test(res)) this.lambdaParameters(st.Parameters, loc);
    else if (res !== undefined && /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+/.test(res) && !LAMBDA_FUNCTION.test(res))
      this.schema(
        `The resource '${res}' is not supported by this engine: it runs Lambda tasks only (arn:aws:states:::lambda:invoke, arn:aws:states:::lambda:invoke.waitForTaskToken, or a Lambda function ARN); activities, .sync jobs and other service integrations are refused rather than run differently`,
        `${loc}/Resource`,
      );
    for (const [plain, viaPath] of [
      ['TimeoutSeconds', 'TimeoutSecondsPath'],
      ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
    ]) {
      this.exclusive(st, plain, viaPath, loc);
      this.int(st, plain, loc, 1);
      this.path(st, viaPath, loc, { reference: true });
    }
    if (isInt(st.TimeoutSeconds) && isInt(st.HeartbeatSeconds) && st.HeartbeatSeconds >= st.TimeoutSeconds)
      this.schema(
        "The value for the field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'",
        `${loc}/HeartbeatSeconds`,
      );
    if (st.Credentials !== undefined && !isObj(st.Credentials))
      this.schema("The value for the field 'Credentials' must be an OBJECT", `${loc}/Credentials`);
  }

  /** The Lambda service integration's parameters, as AWS checks them at create time. */
  lambdaParameters(params: unknown, loc: string): void {
    if (!isObj(params)) {
      this.schema(
        "The field 'Parameters' with 'FunctionName' is required for the lambda:invoke integration",
        loc,
      );
      return;
    }
    const at = `${loc}/Parameters`;
    for (const k of Object.keys(params)) {
      const bare = k.endsWith('.$') ? k.slice(0, -2) : k;
      if (!LAMBDA_FIELDS.includes(bare))
        this.schema(
          `The field '${bare}' is not supported by the lambda:invoke integration`,
          `${at}/${tok(k)}`,
        );
    }
    if (params.FunctionName === undefined && params['FunctionName.$'] === undefined)
      this.schema("The field 'FunctionName' is required but was missing", at);
  }

  wait(st: Obj, loc: string): void {
    const present = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter(
      (k) => st[k] !== undefined,
    );
    if (present.length !== 1)
      this.schema(
        present.length === 0
          ? 'A Wait state must have exactly one of Seconds, SecondsPath, Timestamp, TimestampPath; found none'
          : `A Wait state must have exactly one of Seconds, SecondsPath, Timestamp, TimestampPath; found ${present.join(', ')}`,
        loc,
      );
    this.int(st, 'Seconds', loc, 0);
    const t = this.str(st, 'Timestamp', loc);
    if (t !== undefined && !isTimestamp(t))
      this.schema(
        `The value for the field 'Timestamp' must be an RFC3339 timestamp: '${t}'`,
        `${loc}/Timestamp`,
      );
    this.path(st, 'SecondsPath', loc, { reference: true });
    this.path(st, 'TimestampPath', loc, { reference: true });
  }

  fail(st: Obj, loc: string): void {
    for (const [plain, viaPath] of [
      ['Error', 'ErrorPath'],
      ['Cause', 'CausePath'],
    ]) {
      this.exclusive(st, plain, viaPath, loc);
      this.str(st, plain, loc);
      const p = this.str(st, viaPath, loc);
      if (p !== undefined) this.dynamic(viaPath, p, `${loc}/${viaPath}`);
    }
  }

  parallel(st: Obj, loc: string): void {
    const branches = this.nonEmptyArray(st, 'Branches', loc);
    for (const [i, branch] of branches?.entries() ?? [])
      this.machine(branch, `${loc}/Branches/${i}`, 'branch');
  }

  map(st: Obj, loc: string): void {
    this.path(st, 'ItemsPath', loc, { reference: true });
    if (st.ItemSelector !== undefined && st.Parameters !== undefined)
      this.schema(
        "The fields 'ItemSelector' and 'Parameters' cannot both be set (Parameters is the legacy name)",
        loc,
      );
    if (st.ItemSelector !== undefined) this.template(st.ItemSelector, `${loc}/ItemSelector`, 'ItemSelector');
    this.exclusive(st, 'MaxConcurrency', 'MaxConcurrencyPath', loc);
    this.int(st, 'MaxConcurrency', loc, 0);
    this.path(st, 'MaxConcurrencyPath', loc, { reference: true });
    const hasProc = st.ItemProcessor !== undefined;
    const hasIter = st.Iterator !== undefined;
    this.exclusive(st, 'ItemProcessor', 'Iterator', loc);
    if (!hasProc && !hasIter) this.schema('These fields are required: [ItemProcessor]', loc);
    if (hasProc) this.machine(st.ItemProcessor, `${loc}/ItemProcessor`, 'processor');
    if (hasIter) this.machine(st.Iterator, `${loc}/Iterator`, 'branch');
  }

  errorEquals(o: Obj, at: string, isLast: boolean, what: string): void {
    const ee = o.ErrorEquals;
    if (ee === undefined) {
      this.schema('These fields are required: [ErrorEquals]', at);
      return;
    }
    if (!Array.isArray(ee) || ee.length === 0 || !ee.every((x) => typeof x === 'string' && x.length > 0)) {
      this.schema(
        "The value for the field 'ErrorEquals' must be a non-empty ARRAY of STRINGs",
        `${at}/ErrorEquals`,
      );
      return;
    }
    if (ee.includes('States.ALL')) {
      if (ee.length > 1)
        this.schema("'States.ALL' must appear alone in its ErrorEquals array", `${at}/ErrorEquals`);
      if (!isLast)
        this.schema(`A ${what} with 'States.ALL' in ErrorEquals must be the last one`, `${at}/ErrorEquals`);
    }
  }

  /** A Retry or Catch array: every entry an object of the allowed fields with a valid ErrorEquals;
   * `check` adds what is particular to the kind. */
  handlers(
    list: unknown,
    at: string,
    field: 'Retry' | 'Catch',
    what: 'Retrier' | 'Catcher',
    allowed: readonly string[],
    check: (x: Obj, loc: string) => void,
  ): void {
    if (!Array.isArray(list)) {
      this.schema(`The value for the field '${field}' must be an ARRAY`, at);
      return;
    }
    list.forEach((x, i) => {
      const loc = `${at}/${i}`;
      if (!isObj(x)) {
        this.schema(`A ${what} must be an OBJECT`, loc);
        return;
      }
      this.fields(x, allowed, loc, `a ${what}`);
      this.errorEquals(x, loc, i === list.length - 1, what);
      check(x, loc);
    });
  }

  retry(r: unknown, at: string): void {
    this.handlers(r, at, 'Retry', 'Retrier', RETRIER_FIELDS, (x, loc) => {
      this.int(x, 'IntervalSeconds', loc, 1);
      this.int(x, 'MaxAttempts', loc, 0);
      this.int(x, 'MaxDelaySeconds', loc, 1);
      const br = x.BackoffRate;
      if (br !== undefined && (typeof br !== 'number' || br < 1))
        this.schema(
          "The value for the field 'BackoffRate' must be a NUMBER greater than or equal to 1.0",
          `${loc}/BackoffRate`,
        );
      const js = x.JitterStrategy;
      if (js !== undefined && js !== 'FULL' && js !== 'NONE')
        this.schema(
          "The value for the field 'JitterStrategy' must be 'FULL' or 'NONE'",
          `${loc}/JitterStrategy`,
        );
    });
  }

  catch(c: unknown, at: string, scope: Scope): void {
    this.handlers(c, at, 'Catch', 'Catcher', CATCHER_FIELDS, (x, loc) => {
      if (x.Next === undefined) this.schema('These fields are required: [Next]', loc);
      else this.target(scope, x.Next, 'Next', `${loc}/Next`);
      this.path(x, 'ResultPath', loc, { reference: true, nullable: true, context: false });
    });
  }

  choice(st: Obj, loc: string, scope: Scope): void {
    const choices = this.nonEmptyArray(st, 'Choices', loc);
    for (const [i, rule] of choices?.entries() ?? []) this.rule(rule, `${loc}/Choices/${i}`, scope, true);
    if (st.Default !== undefined) this.target(scope, st.Default, 'Default', `${loc}/Default`);
  }

  rule(rule: unknown, at: string, scope: Scope, top: boolean): void {
    if (!isObj(rule)) {
      this.schema('A choice rule must be an OBJECT', at);
      return;
    }
    if (top) {
      if (rule.Next === undefined) this.schema('These fields are required: [Next]', at);
      else this.target(scope, rule.Next, 'Next', `${at}/Next`);
    } else if (rule.Next !== undefined) {
      this.schema(
        "The field 'Next' is only allowed in top-level choice rules, not in nested ones",
        `${at}/Next`,
      );
    }
    const ops = Object.keys(rule).filter((k) => OPERATOR_SET.has(k));
    for (const k of Object.keys(rule)) {
      if (OPERATOR_SET.has(k) || k === 'Variable' || k === 'Comment' || k === 'Next') continue;
      this.schema(
        UNSUPPORTED[k]
          ? `The field '${k}' is not supported: ${UNSUPPORTED[k]}`
          : `'${k}' is not a valid choice rule operator or field`,
        `${at}/${tok(k)}`,
      );
    }
    if (ops.length === 0) {
      this.schema(
        'A choice rule must have exactly one comparison operator (or And, Or, Not); found none',
        at,
      );
      return;
    }
    if (ops.length > 1) {
      this.schema(`A choice rule must have exactly one comparison operator; found ${ops.join(', ')}`, at);
      return;
    }
    const op = ops[0];
    const v = rule[op];
    const vat = `${at}/${op}`;
    if (op === 'And' || op === 'Or') {
      if (rule.Variable !== undefined)
        this.schema(`The field 'Variable' is not allowed with '${op}'`, `${at}/Variable`);
      if (!Array.isArray(v) || v.length === 0)
        this.schema(`The value for the field '${op}' must be a non-empty ARRAY`, vat);
      else for (const [i, r] of v.entries()) this.rule(r, `${vat}/${i}`, scope, false);
      return;
    }
    if (op === 'Not') {
      if (rule.Variable !== undefined)
        this.schema("The field 'Variable' is not allowed with 'Not'", `${at}/Variable`);
      if (!isObj(v)) this.schema("The value for the field 'Not' must be an OBJECT", vat);
      else this.rule(v, vat, scope, false);
      return;
    }
    const variable = rule.Variable;
    if (variable === undefined) this.schema('These fields are required: [Variable]', at);
    else if (typeof variable !== 'string')
      this.schema("The value for the field 'Variable' must be a STRING", `${at}/Variable`);
    else this.checkPath('Variable', variable, `${at}/Variable`, {});
    if (op.endsWith('Path')) {
      if (typeof v !== 'string') this.schema(`The value for the field '${op}' must be a STRING`, vat);
      else this.checkPath(op, v, vat, {});
      return;
    }
    if (op === 'IsPresent' || op in TYPE_TESTS) {
      if (typeof v !== 'boolean') this.schema(`The value for the field '${op}' must be a BOOLEAN`, vat);
      return;
    }
    if (op === 'StringMatches' || (op.startsWith('String') && op in COMPARISONS)) {
      if (typeof v !== 'string') this.schema(`The value for the field '${op}' must be a STRING`, vat);
      return;
    }
    if (op.startsWith('Numeric')) {
      if (typeof v !== 'number') this.schema(`The value for the field '${op}' must be a NUMBER`, vat);
      return;
    }
    if (op.startsWith('Boolean')) {
      if (typeof v !== 'boolean') this.schema(`The value for the field '${op}' must be a BOOLEAN`, vat);
      return;
    }
    if (op.startsWith('Timestamp')) {
      if (typeof v !== 'string' || !isTimestamp(v))
        this.schema(`The value for the field '${op}' must be an RFC3339 timestamp STRING`, vat);
    }
  }

  reachability(states: Obj, startAt: string | undefined, scope: Scope): void {
    const edges = (st: unknown): string[] => {
      if (!isObj(st)) return [];
      const out: string[] = [];
      if (typeof st.Next === 'string') out.push(st.Next);
      if (typeof st.Default === 'string') out.push(st.Default);
      if (Array.isArray(st.Choices))
        for (const r of st.Choices) if (isObj(r) && typeof r.Next === 'string') out.push(r.Next);
      if (Array.isArray(st.Catch))
        for (const c of st.Catch) if (isObj(c) && typeof c.Next === 'string') out.push(c.Next);
      return out;
    };
    const terminal = Object.values(states).some(
      (st) => isObj(st) && (st.End === true || st.Type === 'Succeed' || st.Type === 'Fail'),
    );
    if (!terminal)
      this.add('MISSING_END_STATE', 'Workflow has no terminal state (End: true, Succeed or Fail)', scope.loc);
    if (startAt === undefined || !scope.names.has(startAt)) return;
    const seen = new Set<string>([startAt]);
    const queue = [startAt];
    while (queue.length > 0) {
      const cur = queue.pop() as string;
      for (const n of edges(states[cur])) {
        if (scope.names.has(n) && !seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
    for (const name of scope.names) {
      if (!seen.has(name))
        this.add('UNREACHABLE_STATE', `State '${name}' is not reachable`, `${scope.loc}/${tok(name)}`);
    }
  }
}

/** Formats problems as AWS's InvalidDefinition message. */
function invalid(errors: readonly string[]): { ok: false; message: string } {
  return { ok: false, message: `Invalid State Machine Definition: '${errors.join(', ')}'` };
}

/** Parses and validates a definition string as CreateStateMachine does (recursively: Parallel
 * branches, Map processors; transitions, terminal states, unreachable states, fields allowed per
 * type, paths, intrinsic syntax, Choice rules, Retry/Catch). On failure `message` is AWS's
 * InvalidDefinition text, naming the problem and the JSON location, e.g.
 * "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/A/Next'" */
export function validateDefinition(
  definition: string,
): { ok: true; definition: StateMachineDefinition } | { ok: false; message: string } {
  if (typeof definition !== 'string')
    return invalid(['SCHEMA_VALIDATION_FAILED: The definition must be a STRING at /']);
  if (definition.length > MAX_DEFINITION_CHARS)
    return invalid([
      `SCHEMA_VALIDATION_FAILED: The definition is ${definition.length} characters long; at most ${MAX_DEFINITION_CHARS} are allowed at /`,
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (e) {
    return invalid([
      `INVALID_JSON_DESCRIPTION: The definition is not valid JSON: ${(e as Error).message} at /`,
    ]);
  }
  const v = new Validator();
  v.machine(parsed, '', 'root');
  if (v.errors.length > 0) return invalid(v.errors);
  return { ok: true, definition: parsed as StateMachineDefinition };
}
