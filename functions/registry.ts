/**
 * The one registry of Lambda functions. CDK creates a NodejsFunction per entry for each stack kind
 * listed in `stacks`; the local twin's invoker maps function names and ARNs to the same entry
 * modules. Ids are PascalCase and stable: they appear in ARNs, construct ids and definition
 * substitutions (`${<Id>Arn}`) of compiled workflows.
 */
export type StackKind = 'county' | 'city';

export interface FunctionSpec {
  /** Stable id, PascalCase. */
  id: string;
  /** Module path relative to the repository root. */
  entry: string;
  /** Exported handler name in the module. */
  handler: string;
  /** Which stacks deploy this function. */
  stacks: readonly StackKind[];
  description: string;
  timeoutSeconds?: number;
  memoryMb?: number;
}

export const FUNCTIONS = [
  {
    id: 'Health',
    entry: 'functions/http/health.ts',
    handler: 'handler',
    stacks: ['county', 'city'],
    description: 'GET /health: liveness of the API',
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionId = (typeof FUNCTIONS)[number]['id'];

/** Looks a function up by id; throws on an unknown id so typos fail at synth/start, not at run time. */
export function functionSpec(id: string): FunctionSpec {
  const spec = (FUNCTIONS as readonly FunctionSpec[]).find((f) => f.id === id);
  if (!spec) throw new Error(`Unknown function id: ${id}`);
  return spec;
}
