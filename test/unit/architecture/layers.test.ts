/**
 * Which area may import which. The shapes that cross boundaries live in contracts/; the functions
 * never reach into the twin, the infra, the web app or the tests; the runtime never reaches into a
 * kit (kits build on the runtime, not the other way round); the browser reaches the server's code
 * only for types of a kit's API and the shared forms and workflows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

interface Import {
  file: string;
  target: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(ts|tsx)$/.test(d.name) && !d.name.endsWith('.d.ts'))
    .map((d) => relative(ROOT, join(d.parentPath, d.name)));
}

/** Every relative import of `dir`'s sources, resolved to a repository path. */
function importsOf(dir: string): Import[] {
  const out: Import[] = [];
  for (const file of sources(dir)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      out.push({ file, target: relative(ROOT, resolve(dirname(join(ROOT, file)), m[3])), typeOnly: !!m[2] });
    }
  }
  return out;
}

function violations(dir: string, allowed: (i: Import) => boolean): string[] {
  return importsOf(dir)
    .filter((i) => !allowed(i))
    .map((i) => `${i.file} -> ${i.target}`);
}

const under = (target: string, ...prefixes: string[]) =>
  prefixes.some((p) => target === p || target.startsWith(`${p}/`));

describe('layers', () => {
  it('the import scan sees imports (it is not vacuous)', () => {
    expect(importsOf('functions/runtime').length).toBeGreaterThan(50);
  });

  it('contracts import nothing but contracts', () => {
    expect(violations('contracts', (i) => under(i.target, 'contracts'))).toEqual([]);
  });

  it('functions never import the twin, the infra, the web app, tests or benches', () => {
    expect(
      violations('functions', (i) => !under(i.target, 'local', 'infra', 'web', 'test', 'bench')),
    ).toEqual([]);
  });

  it('the generic core and runtime never import a kit', () => {
    for (const dir of ['functions/core', 'functions/runtime']) {
      expect(
        violations(dir, (i) => !under(i.target, 'functions/kits')),
        dir,
      ).toEqual([]);
    }
  });

  it('forms and workflows (shared with the browser) import neither the twin, the infra nor the web app', () => {
    for (const dir of ['forms', 'workflows']) {
      expect(
        violations(dir, (i) => !under(i.target, 'local', 'infra', 'web', 'test')),
        dir,
      ).toEqual([]);
    }
  });

  it("the web app imports its own code, contracts, forms and workflows, and only types of a kit's API", () => {
    expect(
      violations(
        'web/src',
        (i) =>
          under(i.target, 'web/src', 'contracts', 'forms', 'workflows') ||
          (i.typeOnly && /^functions\/kits\/[^/]+\/contracts(\.ts)?$/.test(i.target)),
      ),
    ).toEqual([]);
  });
});
