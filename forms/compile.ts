/**
 * Run-time compile of form schemas that are not in the generated validators (versions an administrator
 * published after the build, or an allErrors pre-check). Compiled once per form version and cached.
 * Importing this module installs it into validateSubmission (which does not import ajv itself).
 */
import type { ValidateFunction } from 'ajv';
import { createAjv } from './ajv';
import { assertValidDefinition } from './definition';
import type { FormDefinition } from './types';
import { installRuntimeCompiler } from './validate';

const MAX_CACHED = 100;
const cache = new Map<string, { fingerprint: string; validate: ValidateFunction }>();

/**
 * The ajv validate function of `def`'s schema. Throws FormDefinitionError when the definition is not fit
 * to publish (not hardened, unknown rule, bad schema). A published version never changes, but the cache
 * still compares the schema so a changed definition under an old key is never validated with stale code.
 */
export function compileForm(def: FormDefinition, options: { allErrors?: boolean } = {}): ValidateFunction {
  const key = `${def.id}@${def.version}${options.allErrors ? '+all' : ''}`;
  const fingerprint = JSON.stringify(def.schema);
  const hit = cache.get(key);
  if (hit && hit.fingerprint === fingerprint) {
    cache.delete(key);
    cache.set(key, hit); // most recently used last
    return hit.validate;
  }
  assertValidDefinition(def);
  const validate = createAjv({ allErrors: options.allErrors }).compile(def.schema);
  cache.set(key, { fingerprint, validate });
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return validate;
}

/** Number of cached compiled forms (for tests). */
export function compiledFormCount(): number {
  return cache.size;
}

installRuntimeCompiler(compileForm);
