/**
 * The workflow definitions CDK deploys: the latest version of every workflow id in `workflows/`,
 * compiled to ASL at synth time by the same compiler the admin API uses at run time. Older versions
 * stay readable in `workflows/`; in AWS a new version updates the state machine in place, and running
 * executions keep the definition they started with.
 */
import { compileWorkflow } from '../workflows/compiler';
import { latestWorkflows } from '../workflows/index';
import type { CompiledWorkflowInput } from './constructs/workflows';

/** Compiles the latest version of every workflow. */
export function compiledWorkflows(): CompiledWorkflowInput[] {
  return latestWorkflows().map((def) => {
    const { asl, substitutions } = compileWorkflow(def);
    return { id: def.id, version: def.version, stack: def.stack ?? 'county', asl, substitutions };
  });
}
