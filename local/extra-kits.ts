/**
 * Kits from outside the product (test fixtures) on the twin: each module exports `EXTRA_KIT` (a kit
 * and the workflow and form definitions it carries). The twin reads their definitions to deploy
 * their workflows, and builds them into every function bundle in place of functions/kits/extra.ts,
 * so the fixture runs on the very handlers the product's workflows run on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasForm } from '../forms/index';
import type { FormDefinition } from '../forms/types';
import type { ExtraKit } from '../functions/kits/extra';
import { kitManifest } from '../functions/kits/manifests';
import { FUNCTIONS } from '../functions/registry';
import type { WorkflowDefinition } from '../workflows/model';
import type { KitFacts, WorkflowChecks } from '../workflows/validate';
import { REPO_ROOT } from './config';

export interface LoadedExtraKits {
  workflows: WorkflowDefinition[];
  forms: FormDefinition[];
  /** Validator checks that know the fixtures' kits and forms beside the product's. */
  checks: Partial<WorkflowChecks>;
  /** Writes the stand-in for functions/kits/extra.ts into `dir` and returns its path (none without kits). */
  bundle?: (dir: string) => string;
}

/** What a kit offers a definition, read from the kit itself (fixtures have no manifest). */
function factsOf(kit: ExtraKit['kit']): KitFacts {
  return {
    lists: Object.keys(kit.lists ?? {}),
    triggers: Object.keys(kit.triggers ?? {}),
    subjectDates: kit.subjectDateNames ?? [],
  };
}

export async function loadExtraKits(modules: readonly string[]): Promise<LoadedExtraKits> {
  const files = modules.map((m) => path.resolve(REPO_ROOT, m));
  const kits: ExtraKit[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(file).href)) as { EXTRA_KIT?: ExtraKit };
    if (!mod.EXTRA_KIT?.kit?.id) throw new Error(`${file} exports no EXTRA_KIT`);
    kits.push(mod.EXTRA_KIT);
  }
  const workflows = kits.flatMap((k) => [...(k.definitions?.workflows ?? [])]);
  const forms = kits.flatMap((k) => [...(k.definitions?.forms ?? [])]);
  const byId = new Map(kits.map((k) => [k.kit.id, factsOf(k.kit)]));
  return {
    workflows,
    forms,
    checks: {
      formExists: (id, version) =>
        hasForm(id, version) || forms.some((f) => f.id === id && f.version === version),
      functionExists: (id) => FUNCTIONS.some((f) => f.id === id),
      kit: (id) => kitManifest(id) ?? byId.get(id),
    },
    bundle: files.length
      ? (dir) => {
          mkdirSync(dir, { recursive: true });
          const out = path.join(dir, 'extra-kits.ts');
          const lines = files.map((f, i) => `import { EXTRA_KIT as k${i} } from ${JSON.stringify(f)};`);
          writeFileSync(
            out,
            `// Written by the twin (local/extra-kits.ts): the fixture kits bundled in place of functions/kits/extra.ts.\n${lines.join('\n')}\nexport const EXTRA_KITS = [${files.map((_, i) => `k${i}`).join(', ')}];\n`,
          );
          return out;
        }
      : undefined,
  };
}
