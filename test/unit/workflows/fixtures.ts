/** Fixture loading and registry stand-ins shared by the workflow unit tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowDefinition } from '../../../workflows/model';
import type { WorkflowChecks } from '../../../workflows/validate';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'workflows');

export function readJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(FIXTURES, ...parts), 'utf8')) as T;
}

export function validFixture(name: string): WorkflowDefinition {
  return readJson<WorkflowDefinition>('valid', `${name}.json`);
}

/** Names of the bad-definition fixture files (without `.json`). */
export function invalidFixtureNames(): string[] {
  return readdirSync(join(FIXTURES, 'invalid'))
    .filter((f) => f.endsWith('.json') && f !== 'expected-errors.json')
    .map((f) => f.slice(0, -5))
    .sort();
}

const KNOWN_FORMS = new Set([
  'alloc-proposal@1',
  'alloc-review@1',
  'alloc-review@2',
  'alloc-control@1',
  'alloc-plan@1',
  'alloc-approval@1',
  'alloc-approval@2',
]);

/** Registries as the fixtures expect them, independent of what forms/ and functions/ hold today. */
export const fixtureChecks: WorkflowChecks = {
  formExists: (id, version) => KNOWN_FORMS.has(`${id}@${version}`),
  functionExists: (id) => id === 'CreateProjects' || id === 'OpenTask',
  kit: (id) =>
    id === 'fixture-kit'
      ? { lists: ['leadDepts'], triggers: ['everyProject'], subjectDates: ['completionDue'] }
      : id === 'allocation'
        ? { lists: ['proposalLeadDepts', 'planLeadDepts'], triggers: [] }
        : undefined,
};

/** Same object with its keys in reverse order at every level (arrays keep their order). */
export function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    ) as T;
  }
  return value;
}
