/**
 * Deploys the compiled workflows into the local Step Functions engine as CDK does in AWS: for every
 * county, each workflow of `workflows/index.ts` compiled by `workflows/compiler.ts`, its definition
 * substitutions (`${<FunctionId>Arn}`, `${Partition}`) filled with that county's names, created as
 * `minsheng-<county>-<workflowId>` or, when its definition changed, updated with a new published
 * version (running executions keep the version they started on).
 */
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  type SFNClient,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { LOCAL_AWS, names } from './config';

/** A definition refers to a substitution the twin cannot fill (an unknown function id). */
export class SubstitutionError extends Error {
  override name = 'SubstitutionError';
}

/** What the twin needs from the workflows modules (kept loose: they are another team's, still moving). */
export interface WorkflowSource {
  /** Workflow ids with their compiled ASL (object or JSON text) before substitution. */
  compiled: Array<{ id: string; asl: unknown }>;
}

interface WorkflowDef {
  id: string;
  version?: number;
}
interface WorkflowsIndex {
  listWorkflows(): WorkflowDef[];
  /** The latest version of each workflow: what CDK deploys. */
  latestWorkflows?(): WorkflowDef[];
}
interface WorkflowsCompiler {
  compileWorkflow(def: unknown): { asl: unknown; substitutions?: unknown };
}

function isMissingModule(e: unknown, which: string): boolean {
  const err = e as NodeJS.ErrnoException;
  return (
    (err?.code === 'ERR_MODULE_NOT_FOUND' ||
      err?.code === 'MODULE_NOT_FOUND' ||
      /Cannot find module/.test(err?.message ?? '')) &&
    (err.message ?? '').includes(which)
  );
}

/**
 * Loads and compiles every workflow. While `workflows/index.ts` or `workflows/compiler.ts` do not
 * exist yet the list is empty; any other failure (a definition that does not compile) is thrown.
 */
export async function loadWorkflows(): Promise<WorkflowSource> {
  // Paths in variables: the modules may not exist yet, and the type checker must not insist on them.
  const indexPath = '../workflows/index';
  const compilerPath = '../workflows/compiler';
  let index: WorkflowsIndex;
  let compiler: WorkflowsCompiler;
  try {
    index = (await import(/* @vite-ignore */ indexPath)) as WorkflowsIndex;
    compiler = (await import(/* @vite-ignore */ compilerPath)) as WorkflowsCompiler;
  } catch (e) {
    if (isMissingModule(e, 'workflows')) return { compiled: [] };
    throw e;
  }
  if (typeof index.listWorkflows !== 'function' || typeof compiler.compileWorkflow !== 'function') {
    return { compiled: [] };
  }
  return {
    compiled: latest(index).map((def) => ({ id: def.id, asl: compiler.compileWorkflow(def).asl })),
  };
}

function latest(index: WorkflowsIndex): WorkflowDef[] {
  if (typeof index.latestWorkflows === 'function') return index.latestWorkflows();
  const byId = new Map<string, WorkflowDef>();
  for (const d of index.listWorkflows()) {
    const seen = byId.get(d.id);
    if (!seen || (d.version ?? 0) > (seen.version ?? 0)) byId.set(d.id, d);
  }
  return [...byId.values()];
}

/** Fills `${Partition}` and `${<FunctionId>Arn}` for one stack. */
export function substituteDefinition(asl: unknown, stack: string, functionIds: ReadonlySet<string>): string {
  const text = typeof asl === 'string' ? asl : JSON.stringify(asl);
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
    if (key === 'Partition') return LOCAL_AWS.partition;
    if (key.endsWith('Arn') && functionIds.has(key.slice(0, -3)))
      return names.functionArn(stack, key.slice(0, -3));
    throw new SubstitutionError(
      `definition substitution ${whole} has no value (no function ${key.replace(/Arn$/, '')} in the registry)`,
    );
  });
}

/** `STATE_MACHINE_ARNS` of a county: workflowId -> state machine ARN. Known before anything is deployed. */
export function stateMachineArns(county: string, workflowIds: readonly string[]): Record<string, string> {
  return Object.fromEntries(workflowIds.map((id) => [id, names.stateMachineArn(county, id)]));
}

const ROLE_ARN = (county: string) =>
  `arn:${LOCAL_AWS.partition}:iam::${LOCAL_AWS.accountId}:role/minsheng-${county}-states`;

/** Creates or updates every county's state machines; returns what changed. */
export async function deployStateMachines(opts: {
  sfn: SFNClient;
  counties: readonly string[];
  workflows: WorkflowSource;
  functionIds: ReadonlySet<string>;
}): Promise<{ created: string[]; updated: string[]; unchanged: string[] }> {
  const result = { created: [] as string[], updated: [] as string[], unchanged: [] as string[] };
  for (const county of opts.counties) {
    for (const wf of opts.workflows.compiled) {
      const definition = substituteDefinition(wf.asl, county, opts.functionIds);
      const arn = names.stateMachineArn(county, wf.id);
      let current: string | undefined;
      try {
        current = (await opts.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).definition;
      } catch (e) {
        if ((e as Error).name !== 'StateMachineDoesNotExist') throw e;
      }
      if (current === undefined) {
        await opts.sfn.send(
          new CreateStateMachineCommand({
            name: names.stateMachine(county, wf.id),
            definition,
            roleArn: ROLE_ARN(county),
            type: 'STANDARD',
            publish: true,
          }),
        );
        result.created.push(arn);
      } else if (!sameJson(current, definition)) {
        await opts.sfn.send(
          new UpdateStateMachineCommand({ stateMachineArn: arn, definition, publish: true }),
        );
        result.updated.push(arn);
      } else {
        result.unchanged.push(arn);
      }
    }
  }
  return result;
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}
