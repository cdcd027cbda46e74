/** Loads the form fixtures under test/fixtures/forms. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogueProject } from '../../../forms/rules';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/forms');

export function readJson<T = any>(rel: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, rel), 'utf8')) as T;
}

/** Sample submissions stored for form `id` at `version`: [file name, data]. */
export function samples(id: string, version: number): [string, any][] {
  const dir = join(FIXTURES, id, `v${version}`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]);
}

/** The facts every fixture is valid with: year, catalogue and the control figures. */
export type FixtureFacts = {
  year: number;
  projects: CatalogueProject[];
  control: any;
};

/** The validation context every fixture is valid in (its facts, as a task view supplies them). */
export function fixtureContext(): { facts: FixtureFacts } {
  const ctx = readJson<{ year: number; projects: CatalogueProject[] }>('context.json');
  return {
    facts: { year: ctx.year, projects: ctx.projects, control: readJson('alloc-control/v1/three-lines.json') },
  };
}

/** A deep copy of a fixture, for tests that change one field. */
export function copy<T>(v: T): T {
  return structuredClone(v);
}
