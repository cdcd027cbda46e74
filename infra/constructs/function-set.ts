import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionAccess, FunctionSpec, StackKind } from '../../functions/registry';
import type { MinshengEventBus } from './event-bus';
import { MinshengFunction } from './function';
import type { MinshengTable } from './table';
import type { MinshengWorkflows } from './workflows';

/** Properties of {@link FunctionSet}. */
export interface FunctionSetProps {
  /** Which registry entries to deploy: those whose `stacks` include this kind. */
  readonly kind: StackKind;
  /** The registry (normally `FUNCTIONS` from `functions/registry.ts`). */
  readonly specs: readonly FunctionSpec[];
  /** Environment every function of the stack shares. */
  readonly environment: Record<string, string>;
  /** @default see {@link MinshengFunction} */
  readonly logRetention?: logs.RetentionDays;
  /** Encrypts every function's log group. @default CloudWatch Logs' own encryption */
  readonly logKey?: kms.IKey;
  /**
   * Concurrency reserved for each function of the set: a guaranteed share of the account's
   * concurrency and a ceiling, so a flood in one stack cannot take what the others need.
   * @default none
   */
  readonly reservedConcurrency?: number;
}

/**
 * Every function of one stack, one {@link MinshengFunction} per registry entry of this stack kind,
 * with the registry id as construct id (so adding an entry never renames another's resources).
 */
export class FunctionSet extends Construct {
  /** Functions by registry id. */
  readonly byId: ReadonlyMap<string, MinshengFunction>;

  constructor(scope: Construct, id: string, props: FunctionSetProps) {
    super(scope, id);
    const byId = new Map<string, MinshengFunction>();
    for (const spec of props.specs) {
      if (!spec.stacks.includes(props.kind)) continue;
      if (byId.has(spec.id)) throw new Error(`functions/registry.ts: id ${spec.id} appears twice`);
      byId.set(
        spec.id,
        new MinshengFunction(this, spec.id, {
          spec,
          environment: props.environment,
          logRetention: props.logRetention,
          logKey: props.logKey,
          reservedConcurrency: props.reservedConcurrency,
        }),
      );
    }
    this.byId = byId;
  }

  get all(): MinshengFunction[] {
    return [...this.byId.values()];
  }
}

/**
 * What a function receives: its declared `access`, or when it declares none, everything a stack
 * offers: the table, the catalogue, publishing, starting workflows (unless a workflow invokes
 * it, which would be a dependency cycle) and completing tasks.
 */
export function effectiveAccess(spec: FunctionSpec, invokedByWorkflow: boolean): ReadonlySet<FunctionAccess> {
  if (spec.access) return new Set(spec.access);
  const all: FunctionAccess[] = [
    'table:readWrite',
    'catalogue:read',
    'events:publish',
    'workflows:start',
    'workflows:respond',
  ];
  return new Set(invokedByWorkflow ? all.filter((a) => a !== 'workflows:start') : all);
}

/** The resources a stack offers its functions. */
export interface StackResources {
  /** This stack: `city` or its county code (the source its functions publish with). */
  readonly stack: string;
  readonly table: MinshengTable;
  /** The city table, whose definition catalogue functions with 'catalogue:read' may read. */
  readonly catalogue: MinshengTable;
  readonly bus: MinshengEventBus;
  readonly workflows: MinshengWorkflows;
}

/**
 * Grants every function of `set` its {@link effectiveAccess} on `resources`, each through the
 * resource's bind method (which sets the matching environment variable too).
 */
export function bindAccess(set: FunctionSet, resources: StackResources): void {
  for (const fn of set.all) {
    const access = effectiveAccess(fn.spec, resources.workflows.invokedFunctionIds.has(fn.spec.id));
    if (access.has('table:readWrite')) resources.table.bind(fn, 'readWrite');
    else if (access.has('table:read')) resources.table.bind(fn, 'read');
    if (access.has('catalogue:read')) resources.catalogue.bindCatalogueReader(fn);
    if (access.has('events:publish')) resources.bus.bindPublisher(fn, resources.stack);
    if (access.has('workflows:start')) resources.workflows.bindStarter(fn);
    if (access.has('workflows:respond')) resources.workflows.bindTaskResponder(fn);
  }
}
