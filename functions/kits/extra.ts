/**
 * Kits built into a bundle besides the product's. Empty in the product; the twin replaces this
 * module at bundle time with a test fixture's kits (with the definitions and forms they carry), so a
 * workflow that lives outside the repository's kits runs on the same handlers.
 */
import type { CarriedDefinitions } from '../runtime/definitions';
import type { Kit } from '../runtime/kit';

export interface ExtraKit {
  kit: Kit;
  definitions?: CarriedDefinitions;
}

export const EXTRA_KITS: readonly ExtraKit[] = [];
