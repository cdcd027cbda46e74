/**
 * The runtime is generic: the modules every workflow runs on (task store, draft and complete paths,
 * inbox and read models, keys, the route table, the registries, the step and event handlers, the
 * web's task page) name no workflow and no form. The identifiers searched for are the allocation's
 * own, read from its definition and its kit's manifest, so a new identifier there is searched too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOCATION_MANIFEST } from '../../../functions/kits/allocation/manifest';
import { getWorkflow } from '../../../workflows/index';
import { formsOf } from '../../../workflows/model';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Files and folders that must stay generic. Generated files are excluded (they list every schema). */
const GENERIC = [
  'functions/core',
  'functions/runtime',
  'functions/steps',
  'functions/events',
  'functions/edge',
  'functions/http',
  'functions/routes.ts',
  'functions/registry.ts',
  'functions/events.ts',
  'web/src/pages/TaskPage.tsx',
  'web/src/lib/task.ts',
  'web/src/lib/diff.ts',
  'web/src/form',
  'web/src/components/ComparePanel.tsx',
];

function files(path: string): string[] {
  const abs = join(ROOT, path);
  if (statSync(abs).isFile()) return [path];
  return readdirSync(abs, { withFileTypes: true }).flatMap((d) => {
    const rel = join(path, d.name);
    if (d.isDirectory()) return d.name === 'generated' ? [] : files(rel);
    return /\.(ts|tsx)$/.test(d.name) ? [rel] : [];
  });
}

/** The allocation's identifiers: distinctive words anywhere, common-word step ids only as string literals. */
function allocationPatterns(): RegExp[] {
  const def = getWorkflow('allocation', 1)!;
  const words = [
    'alloc',
    ...formsOf(def).map((f) => f.id),
    ...ALLOCATION_MANIFEST.functions.map((f) => f.id),
    ...ALLOCATION_MANIFEST.routes.map((r) => r.path),
    ...ALLOCATION_MANIFEST.lists,
    '二上',
    '二下',
    '一上',
    '一下',
    '控制数',
  ];
  // End steps are named like outcomes (`done`, `rejected`), which every workflow has.
  const stepIds = def.steps.filter((s) => s.type !== 'end').map((s) => s.id);
  const distinctive = stepIds.filter((id) => /[A-Z]/.test(id));
  const common = stepIds.filter((id) => !/[A-Z]/.test(id));
  const esc = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return [
    ...[...words, ...distinctive].map((w) => new RegExp(esc(w), 'i')),
    ...common.map((id) => new RegExp(`['"\`]${esc(id)}['"\`]`)),
  ];
}

describe('generic modules', () => {
  const patterns = allocationPatterns();
  const all = GENERIC.flatMap(files);

  it('are found (the list of paths is not stale)', () => {
    expect(all.length).toBeGreaterThan(40);
  });

  it('name no workflow and no form of the allocation', () => {
    const hits: string[] = [];
    for (const f of all) {
      const lines = readFileSync(join(ROOT, f), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const p of patterns)
          if (p.test(line)) hits.push(`${relative(ROOT, join(ROOT, f))}:${i + 1}: ${p} in ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('the search itself finds the allocation where it lives', () => {
    const kit = readFileSync(join(ROOT, 'functions/kits/allocation/kit.ts'), 'utf8');
    expect(patterns.some((p) => p.test(kit))).toBe(true);
  });
});
