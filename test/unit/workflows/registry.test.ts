import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../../functions/registry';
import { OPEN_TASK_FUNCTION } from '../../../workflows/compiler';
import {
  getWorkflow,
  latestWorkflow,
  latestWorkflows,
  listWorkflowSummaries,
  listWorkflows,
} from '../../../workflows/index';
import { formsOf, isHuman, systemFunctions } from '../../../workflows/model';
import { renderWorkflowTypes, TYPES_FILE } from '../../../workflows/scripts/gen-types';
import { validateWorkflow } from '../../../workflows/validate';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('workflow registry', () => {
  it('finds the allocation workflow by id and version, and as the latest version', () => {
    expect(getWorkflow('allocation', 1)?.title.zh).toBe('民生工程任务分解（二上二下）');
    expect(latestWorkflow('allocation')?.version).toBe(1);
    expect(getWorkflow('allocation', 99)).toBeUndefined();
    expect(latestWorkflow('nope')).toBeUndefined();
    expect(listWorkflowSummaries()).toContainEqual({
      id: 'allocation',
      version: 1,
      title: expect.any(Object),
    });
    expect(latestWorkflows().map((d) => d.id)).toContain('allocation');
  });

  it('holds only definitions that validate against the real form and function registries', () => {
    for (const def of listWorkflows()) {
      expect(validateWorkflow(def), `${def.id} v${def.version}`).toEqual({ ok: true });
    }
  });

  it('registers every function the compiled workflows invoke, deployed to county stacks, with a module', () => {
    const needed = new Set([OPEN_TASK_FUNCTION, ...listWorkflows().flatMap(systemFunctions)]);
    for (const id of needed) {
      const spec = FUNCTIONS.find((f) => f.id === id);
      expect(spec, id).toBeDefined();
      expect(spec!.stacks as readonly string[]).toContain('county');
      expect(() => readFileSync(join(ROOT, spec!.entry))).not.toThrow();
    }
  });
});

describe('the 二上二下 allocation definition', () => {
  const def = getWorkflow('allocation', 1)!;
  const step = (id: string) => def.steps.find((s) => s.id === id)!;

  it('runs 一上, reviews, 一下, 二上, approvals, then creates the projects', () => {
    expect(def.steps.map((s) => s.id)).toEqual([
      'proposal',
      'deptReview',
      'cityReview',
      'control',
      'plan',
      'deptApproval',
      'cityApproval',
      'createProjects',
      'done',
      'rejected',
    ]);
    expect(formsOf(def)).toEqual([
      { id: 'alloc-proposal', version: 1 },
      { id: 'alloc-review', version: 2 },
      { id: 'alloc-control', version: 1 },
      { id: 'alloc-plan', version: 1 },
      { id: 'alloc-approval', version: 2 },
    ]);
    expect(step('createProjects')).toMatchObject({ type: 'system', function: 'CreateProjects' });
  });

  it('lets every review return the work for revision to 一上 or 二上', () => {
    const reviews = def.steps.filter((s) => s.type === 'review');
    expect(reviews).toHaveLength(4);
    for (const r of reviews) {
      if (r.type !== 'review') continue;
      expect(r.outcomes.return?.length, r.id).toBeGreaterThan(0);
      for (const target of r.outcomes.return!) expect(['proposal', 'plan']).toContain(target);
    }
  });

  it('fans the lead-department reviews out over the lists its kit computes from the county submission', () => {
    expect(def.kit).toBe('allocation');
    expect(step('deptReview')).toMatchObject({
      each: { list: 'proposalLeadDepts', policy: 'anyReturn' },
      who: { role: 'city_dept', org: 'item' },
    });
    expect(step('deptApproval')).toMatchObject({
      each: { list: 'planLeadDepts', policy: 'anyReturn' },
      who: { role: 'city_dept', org: 'item' },
    });
  });

  it('gives each human step a due rule, and county steps a reminder and an escalation to the city office', () => {
    for (const s of def.steps.filter(isHuman)) {
      expect(Object.keys(s.due), s.id).toHaveLength(1);
      if (s.who.org === 'county') {
        expect(s.reminder, s.id).toBeDefined();
        expect(s.escalation?.to, s.id).toEqual({ role: 'city_office', org: 'city' });
      }
    }
  });
});

describe('generated types', () => {
  it('match workflow.schema.json (regenerate with `npx tsx workflows/scripts/gen-types.ts`)', async () => {
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await renderWorkflowTypes());
  });
});
