/**
 * The workflow definitions this build carries. Static imports, so the registry bundles into any
 * Lambda that needs it (no file system reads at run time). Add a definition by importing its JSON
 * file here; every published version stays listed so running executions can always look up theirs.
 */
import allocationV1 from './definitions/allocation.v1.json';
import type { WorkflowDefinition } from './model';

export type { WorkflowDefinition } from './model';

// JSON imports widen literal types (e.g. `type: string`); the registry test validates each file.
const DEFINITIONS: readonly WorkflowDefinition[] = [allocationV1 as unknown as WorkflowDefinition];

/** Summary of a definition for listings. */
export interface WorkflowSummary {
  id: string;
  version: number;
  title: WorkflowDefinition['title'];
}

/** The definition with this id and version, or undefined. */
export function getWorkflow(id: string, version: number): WorkflowDefinition | undefined {
  return DEFINITIONS.find((d) => d.id === id && d.version === version);
}

/** The highest version of a workflow, or undefined if the id is unknown. */
export function latestWorkflow(id: string): WorkflowDefinition | undefined {
  let best: WorkflowDefinition | undefined;
  for (const d of DEFINITIONS) if (d.id === id && (!best || d.version > best.version)) best = d;
  return best;
}

/** Every definition (all versions), sorted by id then version. */
export function listWorkflows(): WorkflowDefinition[] {
  return [...DEFINITIONS].sort((a, b) => (a.id === b.id ? a.version - b.version : a.id < b.id ? -1 : 1));
}

/** Id, version and title of every definition, sorted like {@link listWorkflows}. */
export function listWorkflowSummaries(): WorkflowSummary[] {
  return listWorkflows().map((d) => ({ id: d.id, version: d.version, title: d.title }));
}

/** The latest version of each workflow id, sorted by id: what CDK deploys as state machines. */
export function latestWorkflows(): WorkflowDefinition[] {
  const ids = [...new Set(DEFINITIONS.map((d) => d.id))].sort();
  return ids.map((id) => latestWorkflow(id)!);
}
