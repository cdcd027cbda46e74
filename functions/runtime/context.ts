/**
 * The runtime's context: the core context (configuration, SDK clients, clock) plus the kits of this
 * build and where definitions come from. Edges (handlers) build it once per process.
 */
import type { Ctx } from '../core/context';
import type { DefinitionSource } from './definitions';
import type { Kit, KitRegistry } from './kit';

export interface Runtime extends Ctx {
  kits: KitRegistry;
  definitions: DefinitionSource;
}

/** Extends a core context with the runtime's registries. */
export function runtimeOf(ctx: Ctx, kits: KitRegistry, definitions: DefinitionSource): Runtime {
  return Object.assign(Object.create(ctx) as Ctx, { kits, definitions }) as Runtime;
}

/** The kit named `id`, if the instance has one; throws when a named kit is not in this build. */
export function kitOf(rt: Runtime, id: string | undefined): Kit | undefined {
  if (!id) return undefined;
  const kit = rt.kits.get(id);
  if (!kit) throw new Error(`Kit ${id} is not part of this build`);
  return kit;
}
