/** The kits of this build (code): the product's, then any a bundle adds (see ./extra.ts). */
import type { CarriedDefinitions } from '../runtime/definitions';
import type { Kit, KitRegistry } from '../runtime/kit';
import { allocationKit } from './allocation/kit';
import { EXTRA_KITS } from './extra';

const ALL: readonly Kit[] = [allocationKit, ...EXTRA_KITS.map((e) => e.kit)];

export const KITS: KitRegistry = new Map(ALL.map((k) => [k.id, k]));

/** Definitions the extra kits carry. */
export const CARRIED_DEFINITIONS: readonly CarriedDefinitions[] = EXTRA_KITS.flatMap((e) =>
  e.definitions ? [e.definitions] : [],
);
