/**
 * Generates `workflows/workflow.types.gen.ts` from `workflows/workflow.schema.json`, so the
 * TypeScript types of a workflow definition are never written by hand beside the schema.
 * Run: `npx tsx workflows/scripts/gen-types.ts` (a unit test fails when the file is stale).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const here = dirname(fileURLToPath(import.meta.url));
export const SCHEMA_FILE = join(here, '..', 'workflow.schema.json');
export const TYPES_FILE = join(here, '..', 'workflow.types.gen.ts');

/** Renders the types for the current schema (pure: reads the schema, writes nothing). */
export async function renderWorkflowTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JSONSchema;
  return compile(schema, 'WorkflowDefinition', {
    bannerComment:
      '/* Generated from workflows/workflow.schema.json by workflows/scripts/gen-types.ts. Do not edit. */',
    additionalProperties: false,
    unreachableDefinitions: true,
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true, printWidth: 110 },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(TYPES_FILE, await renderWorkflowTypes());
  console.log(`wrote ${TYPES_FILE}`);
}
