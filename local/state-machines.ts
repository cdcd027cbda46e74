/**
 * Deploys the compiled workflows into the local Step Functions engine as CDK does in AWS: each
 * county workflow in every county, each city workflow in the city, compiled by
 * `workflows/compiler.ts`, its definition substitutions (`${<FunctionId>Arn}`, `${Partition}`) filled
 * with that stack's names, created as `minsheng-<stack>-<workflowId>` or, when its definition
 * changed, updated with a new published version (running executions keep the version they started on).
 */
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  type SFNClient,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { compileWorkflow } from '../workflows/compiler';
import { latestWorkflows } from '../workflows/index';
import type { WorkflowDefinition } from '../workflows/model';
import type { WorkflowChecks } from '../workflows/validate';
import { LOCAL_AWS, names } from './config';

/** A definition refers to a substitution the twin cannot fill (an unknown function id). */
export class SubstitutionError extends Error {
  override name = 'SubstitutionError';
}

/** Compiled workflows as the twin deploys them. */
export interface WorkflowSource {
  /** Workflow ids with the stack kind that runs them and their compiled ASL (before substitution). */
  compiled: Array<{ id: string; stack: 'county' | 'city'; asl: string }>;
}

/**
 * Compiles the live version of every workflow this build carries (and of the `extra` definitions a
 * test fixture brings), as CDK does at synth.
 */
export function loadWorkflows(
  extra: readonly WorkflowDefinition[] = [],
  checks?: Partial<WorkflowChecks>,
): WorkflowSource {
  const byId = new Map<string, WorkflowDefinition>();
  for (const d of [...latestWorkflows(), ...extra]) {
    const seen = byId.get(d.id);
    if (!seen || d.version > seen.version) byId.set(d.id, d);
  }
  return {
    compiled: [...byId.values()].map((def) => ({
      id: def.id,
      stack: def.stack ?? 'county',
      asl: compileWorkflow(def, { checks }).asl,
    })),
  };
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

/** `STATE_MACHINE_ARNS` of a stack: workflowId -> state machine ARN. Known before anything is deployed. */
export function stateMachineArns(stack: string, workflowIds: readonly string[]): Record<string, string> {
  return Object.fromEntries(workflowIds.map((id) => [id, names.stateMachineArn(stack, id)]));
}

const ROLE_ARN = (county: string) =>
  `arn:${LOCAL_AWS.partition}:iam::${LOCAL_AWS.accountId}:role/minsheng-${county}-states`;

/** Creates or updates every stack's state machines (county workflows in each county, city ones in the city). */
export async function deployStateMachines(opts: {
  sfn: SFNClient;
  counties: readonly string[];
  workflows: WorkflowSource;
  functionIds: ReadonlySet<string>;
}): Promise<{ created: string[]; updated: string[]; unchanged: string[] }> {
  const result = { created: [] as string[], updated: [] as string[], unchanged: [] as string[] };
  for (const county of ['city', ...opts.counties]) {
    const kind = county === 'city' ? 'city' : 'county';
    for (const wf of opts.workflows.compiled.filter((w) => w.stack === kind)) {
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
