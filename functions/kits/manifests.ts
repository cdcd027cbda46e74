/** The kits of this build, as data: what each adds to functions, routes, rules and lists. */
import type { KitManifest } from '../../contracts/manifest';
import { ALLOCATION_MANIFEST } from './allocation/manifest';

export const KIT_MANIFESTS: readonly KitManifest[] = [ALLOCATION_MANIFEST];

/** A kit's manifest by id. */
export function kitManifest(id: string): KitManifest | undefined {
  return KIT_MANIFESTS.find((k) => k.id === id);
}
