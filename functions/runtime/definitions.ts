/**
 * Where the runtime finds workflow and form definitions: the versions this build carries
 * (workflows/ and forms/), plus those its kits carry (a kit outside the product, such as a test
 * fixture, brings its own definitions). Published versions never change, so lookups cache forever.
 */
import { getForm, hasForm } from '../../forms/index';
import type { FormDefinition } from '../../forms/types';
import { getWorkflow, latestWorkflows } from '../../workflows/index';
import type { WorkflowDefinition } from '../../workflows/model';

/** Definitions a kit module carries beside the product's. */
export interface CarriedDefinitions {
  workflows?: readonly WorkflowDefinition[];
  forms?: readonly FormDefinition[];
}

/** Lookups the runtime makes. Async, so a catalogue in the database can stand behind them. */
export interface DefinitionSource {
  /** A workflow at a version, or its live (latest) version when `version` is omitted. */
  workflow(id: string, version?: number): Promise<WorkflowDefinition | undefined>;
  /** The live version of every workflow. */
  liveWorkflows(): Promise<WorkflowDefinition[]>;
  form(id: string, version: number): Promise<FormDefinition | undefined>;
}

/** The bundled definitions plus those `extra` carries. */
export function bundledDefinitions(extra: readonly CarriedDefinitions[] = []): DefinitionSource {
  const workflows = extra.flatMap((e) => e.workflows ?? []);
  const forms = extra.flatMap((e) => e.forms ?? []);
  const latest = (list: readonly WorkflowDefinition[]) => {
    const best = new Map<string, WorkflowDefinition>();
    for (const d of list) {
      const seen = best.get(d.id);
      if (!seen || d.version > seen.version) best.set(d.id, d);
    }
    return [...best.values()];
  };
  const live = latest([...latestWorkflows(), ...workflows]).sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    async workflow(id, version) {
      if (version === undefined) return live.find((d) => d.id === id);
      return getWorkflow(id, version) ?? workflows.find((d) => d.id === id && d.version === version);
    },
    async liveWorkflows() {
      return live;
    },
    async form(id, version) {
      if (hasForm(id, version)) return getForm(id, version);
      return forms.find((f) => f.id === id && f.version === version);
    },
  };
}
