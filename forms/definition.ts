/** Checks that a form definition is fit to publish: shape, hardened schema, known rules, compilable schema. */
import type { ValidateFunction } from 'ajv';
import { createAjv } from './ajv';
import metaSchema from './form-definition.schema.json';
import { hardeningProblems } from './harden';
import { RULES } from './rules';
import type { FormDefinition } from './types';

/** A definition that cannot be published or compiled; `problems` lists each reason in plain words. */
export class FormDefinitionError extends Error {
  override readonly name = 'FormDefinitionError';
  readonly code = 'FormDefinitionInvalid';
  constructor(
    readonly formKey: string,
    readonly problems: string[],
  ) {
    super(`form ${formKey} is not valid: ${problems.join('; ')}`);
  }
}

let metaValidate: ValidateFunction | undefined;

/** Every reason `def` cannot be published; empty when it can. */
export function definitionProblems(def: unknown): string[] {
  metaValidate ??= createAjv({ allErrors: true }).compile(metaSchema);
  if (!metaValidate(def)) {
    return (metaValidate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  }
  const d = def as FormDefinition;
  const problems = hardeningProblems(d.schema).map((p) => `schema${p}`);
  for (const name of d.rules) if (!RULES.has(name)) problems.push(`rules: unknown rule "${name}"`);
  if (problems.length === 0) {
    try {
      createAjv().compile(d.schema);
    } catch (err) {
      problems.push(`schema: ${(err as Error).message}`);
    }
  }
  return problems;
}

/** Throws FormDefinitionError unless `def` is fit to publish. */
export function assertValidDefinition(def: unknown): asserts def is FormDefinition {
  const problems = definitionProblems(def);
  if (problems.length > 0) {
    const d = def as Partial<FormDefinition> | null;
    throw new FormDefinitionError(`${d?.id ?? '?'}@${d?.version ?? '?'}`, problems);
  }
}
