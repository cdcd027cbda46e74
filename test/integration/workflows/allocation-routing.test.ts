/**
 * The compiled allocation workflow's routing, run by the engine: every step in order, returns from
 * a fan-out review and from the final approval, a rejection, an empty fan-out, and the failures a
 * wrong decision or a failing step end in.
 */
import { describe, expect, it } from 'vitest';
import { getWorkflow } from '../../../workflows/index';
import { type Opened, runWorkflow, type Script } from './engine';

const allocation = getWorkflow('allocation', 1)!;
const depts = [
  { key: 'dept_mz', org: 'dept_mz' },
  { key: 'dept_jt', org: 'dept_jt' },
];

function script(decide: Record<string, (t: Opened) => Record<string, unknown>> = {}, items = depts): Script {
  return {
    decide: (t) => decide[t.payload.step]?.(t),
    list: () => items,
    system: (fn) => (fn === 'CreateProjects' ? { created: 2 } : {}),
  };
}

describe('compiled allocation workflow on the engine', () => {
  it('walks 二上二下 from proposal to the created projects when everyone approves', async () => {
    const run = await runWorkflow(allocation, script());
    expect(run.steps).toEqual([
      'proposal',
      'deptReview',
      'deptReview',
      'cityReview',
      'control',
      'plan',
      'deptApproval',
      'deptApproval',
      'cityApproval',
    ]);
    const reviews = run.opened.filter((o) => o.payload.step === 'deptReview');
    expect(reviews.map((o) => o.payload.item?.key).sort()).toEqual(['dept_jt', 'dept_mz']);
    expect(reviews[0].payload.assignee).toEqual({ role: 'city_dept', org: 'item' });
    expect(run.opened[0].payload).toMatchObject({
      kind: 'openTask',
      formId: 'alloc-proposal',
      formVersion: 1,
      assignee: { role: 'county_office', org: 'county' },
      instance: { workflowId: 'allocation', subject: 'Y2027', attempt: 1 },
    });
    expect(run.systemCalls.map((c) => c.fn)).toEqual(['CreateProjects']);
    expect(run.systemCalls[0].payload).toMatchObject({ kind: 'system', step: 'createProjects' });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output.end).toEqual({ result: 'success', step: 'done' });
    expect(run.output.steps.createProjects).toEqual({ result: { created: 2 } });
  });

  it('sends the proposal back when any one lead department returns it', async () => {
    const run = await runWorkflow(
      allocation,
      script({
        deptReview: (t) =>
          t.payload.item?.key === 'dept_jt' && t.visit === 1
            ? { outcome: 'return', comment: '第3行数量有误', returnTo: 'proposal' }
            : { outcome: 'approve' },
      }),
    );
    expect(run.steps.slice(0, 7)).toEqual([
      'proposal',
      'deptReview',
      'deptReview',
      'proposal',
      'deptReview',
      'deptReview',
      'cityReview',
    ]);
    expect(run.status).toBe('SUCCEEDED');
  });

  it('treats a return without a named step as a return to the first allowed step', async () => {
    const run = await runWorkflow(
      allocation,
      script({
        cityApproval: (t) =>
          t.visit === 1 ? { outcome: 'return', comment: '配套资金不足' } : { outcome: 'approve' },
      }),
    );
    expect(run.steps.slice(8)).toEqual([
      'cityApproval',
      'plan',
      'deptApproval',
      'deptApproval',
      'cityApproval',
    ]);
  });

  it('returns from the final approval all the way to 一上 when the reviewer names it', async () => {
    const run = await runWorkflow(
      allocation,
      script({
        cityApproval: (t) =>
          t.visit === 1
            ? { outcome: 'return', returnTo: 'proposal', comment: '重新申报' }
            : { outcome: 'approve' },
      }),
    );
    expect(run.steps[9]).toBe('proposal');
    expect(run.steps).toHaveLength(18);
  });

  it('ends as rejected when the city office rejects the proposal', async () => {
    const run = await runWorkflow(
      allocation,
      script({ cityReview: () => ({ outcome: 'reject', comment: '不符合条件' }) }),
    );
    expect(run.steps).toEqual(['proposal', 'deptReview', 'deptReview', 'cityReview']);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output.end).toEqual({ result: 'rejected', step: 'rejected' });
  });

  it('skips the department review when the list of departments is empty', async () => {
    const run = await runWorkflow(allocation, script({}, []));
    expect(run.steps.slice(0, 2)).toEqual(['proposal', 'cityReview']);
    expect(run.output.steps.deptReview.skipped).toBe(true);
  });

  it('fails with Workflow.UnexpectedOutcome when a decision is not allowed at that step', async () => {
    const rejectByDept = await runWorkflow(allocation, script({ deptReview: () => ({ outcome: 'reject' }) }));
    expect(rejectByDept).toMatchObject({ status: 'FAILED', error: 'Workflow.UnexpectedOutcome' });
    const unknownTarget = await runWorkflow(
      allocation,
      script({ cityReview: () => ({ outcome: 'return', returnTo: 'control' }) }),
    );
    expect(unknownTarget).toMatchObject({ status: 'FAILED', error: 'Workflow.UnexpectedOutcome' });
  });

  it('fails with Workflow.StepFailed when opening a task keeps failing', async () => {
    const run = await runWorkflow(
      allocation,
      script({
        cityReview: () => {
          throw Object.assign(new Error('table missing'), { name: 'ResourceNotFoundException' });
        },
      }),
    );
    expect(run).toMatchObject({ status: 'FAILED', error: 'Workflow.StepFailed' });
  });
});
