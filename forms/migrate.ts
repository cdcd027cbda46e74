/**
 * Reading a stored submission as a later version of its form. Each version step is either compatible
 * (checkCompatibility finds nothing: the data is kept, with defaults filled in for fields that became
 * required with a default) or has a migration registered here.
 */
import { checkCompatibility } from './compat';
import { formVersions, getForm, latestForm } from './index';
import { deref } from './pointer';
import type { FormDefinition, JsonSchema } from './types';

/** Turns data valid under `<id>@<from>` into data valid under `<id>@<from + 1>`. Must not modify its input. */
export type Migration = (data: unknown) => unknown;

/** Migrations for breaking version steps, keyed `<id>@<from>`. None is needed yet: every step is compatible. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({});

/** A breaking version step without a migration. Code `MigrationMissing`. */
export class MigrationMissingError extends Error {
  override readonly name = 'MigrationMissing';
  readonly code = 'MigrationMissing';
  constructor(
    readonly formId: string,
    readonly fromVersion: number,
  ) {
    super(`${formId}@${fromVersion} -> ${fromVersion + 1} is breaking and has no migration`);
  }
}

/** A copy of `data` with the defaults of required properties that are missing. */
export function fillRequiredDefaults(root: JsonSchema, data: unknown, node: JsonSchema = root): unknown {
  const s = deref(root, node);
  if (Array.isArray(data)) {
    const items = s.items;
    return typeof items === 'object' && items !== null && !Array.isArray(items)
      ? data.map((v) => fillRequiredDefaults(root, v, items as JsonSchema))
      : [...data];
  }
  if (typeof data !== 'object' || data === null) return data;
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    out[k] = Object.hasOwn(props, k) ? fillRequiredDefaults(root, v, props[k]) : v;
  }
  for (const name of (s.required ?? []) as string[]) {
    const prop = props[name] ? deref(root, props[name]) : undefined;
    if (!Object.hasOwn(out, name) && prop?.default !== undefined) out[name] = structuredClone(prop.default);
  }
  return out;
}

/** Whether `<id>@<from>` -> `<from + 1>` can be taken (compatible, or a migration exists). */
export function canMigrate(oldDef: FormDefinition, newDef: FormDefinition): boolean {
  return (
    Object.hasOwn(MIGRATIONS, `${oldDef.id}@${oldDef.version}`) ||
    checkCompatibility(oldDef, newDef).length === 0
  );
}

/**
 * `data`, valid under `versions[0]`, carried through each following version in order (consecutive
 * versions of one form). Steps use `migrations` (keyed `<id>@<from>`) or, when compatible, keep the data.
 * Throws MigrationMissingError at the first breaking step without a migration.
 */
export function migrateThrough(
  versions: readonly FormDefinition[],
  data: unknown,
  migrations: Readonly<Record<string, Migration>> = MIGRATIONS,
): unknown {
  let current = data;
  for (let i = 0; i + 1 < versions.length; i++) {
    const [from, to] = [versions[i], versions[i + 1]];
    const migration = Object.hasOwn(migrations, `${from.id}@${from.version}`)
      ? migrations[`${from.id}@${from.version}`]
      : undefined;
    if (migration) current = migration(current);
    else if (checkCompatibility(from, to).length > 0) throw new MigrationMissingError(from.id, from.version);
    current = fillRequiredDefaults(to.schema, current);
  }
  return current;
}

/**
 * `data`, stored under built-in form `formId` at `fromVersion`, as data of `toVersion` (default: latest,
 * never older than `fromVersion`). Throws MigrationMissingError when a step is breaking and has no
 * migration, FormNotFoundError for an unknown version, RangeError for a downgrade.
 */
export function migrateSubmission(
  formId: string,
  fromVersion: number,
  data: unknown,
  toVersion: number = latestForm(formId).version,
): { version: number; data: unknown } {
  getForm(formId, fromVersion);
  getForm(formId, toVersion);
  if (toVersion < fromVersion)
    throw new RangeError(`cannot migrate ${formId} from v${fromVersion} down to v${toVersion}`);
  const versions = formVersions(formId).filter((d) => d.version >= fromVersion && d.version <= toVersion);
  return { version: toVersion, data: migrateThrough(versions, data) };
}
