import { describe, expect, it } from 'vitest';
import { compileWorkflow } from '../../../workflows/compiler';
import { getWorkflow } from '../../../workflows/index';
import { type HumanCall, type SimResult, simulate } from './asl-sim';
import { fixtureChecks, readJson } from './fixtures';

const { asl } = compileWorkflow(getWorkflow('allocation', 1)!, { checks: fixtureChecks });
const input = readJson('execution-input.allocation.json');

type Decide = (call: HumanCall, visit: number) => Record<string, unknown>;

/** Runs the allocation with scripted decisions; `script[step]` decides, else approve/submit. */
function run(script: Record<string, Decide> = {}, routing = { leadDepts: ['dept_mz', 'dept_jt'] }) {
  const opened: HumanCall[] = [];
  const visits = new Map<string, number>();
  const systemCalls: { fn: string; payload: any }[] = [];
  const result: SimResult = simulate(asl, input, {
    human(call) {
      opened.push(call);
      const key = `${call.payload.step}${call.payload.assignee.leadDept ? `@${call.payload.assignee.leadDept}` : ''}`;
      const visit = (visits.get(key) ?? 0) + 1;
      visits.set(key, visit);
      const base = { submissionId: `sub-${opened.length}`, by: 'user-1', at: '2027-02-01T00:00:00.000Z' };
      const custom = script[call.payload.step]?.(call, visit);
      if (custom) return { ...base, ...custom };
      if (call.payload.stepType === 'task') return { ...base, outcome: 'submit', routing };
      return { ...base, outcome: 'approve' };
    },
    system(fn, payload) {
      systemCalls.push({ fn, payload });
      return { created: 2 };
    },
  });
  const steps = opened.map((c) => c.payload.step);
  return { result, opened, steps, systemCalls };
}

describe('compiled allocation workflow (simulated routing)', () => {
  it('walks 二上二下 from proposal to the created projects when everyone approves', () => {
    const { result, steps, opened, systemCalls } = run();
    expect(steps).toEqual([
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
    expect(opened.filter((c) => c.payload.step === 'deptReview').map((c) => c.payload.assignee)).toEqual([
      { role: 'city_dept', org: 'leadDept', leadDept: 'dept_mz' },
      { role: 'city_dept', org: 'leadDept', leadDept: 'dept_jt' },
    ]);
    expect(opened[0].payload).toMatchObject({
      kind: 'openTask',
      formId: 'alloc-proposal',
      formVersion: 1,
      assignee: { role: 'county_office', org: 'county' },
      execution: input,
      state: {},
    });
    expect(typeof opened[0].payload.taskToken).toBe('string');
    expect(systemCalls).toHaveLength(1);
    expect(systemCalls[0].fn).toBe('CreateProjectsArn');
    expect(systemCalls[0].payload.state.cityApproval.outcome).toBe('approve');
    expect(systemCalls[0].payload.state.plan.submissionId).toBeDefined();
    expect(result.status).toBe('SUCCEEDED');
    if (result.status !== 'SUCCEEDED') return;
    expect(result.output.end).toEqual({ result: 'success', step: 'done' });
    expect(result.output.steps.createProjects).toEqual({ result: { created: 2 } });
  });

  it('sends the proposal back when any one lead department returns it, and shows that comment on reopening', () => {
    const { result, steps, opened } = run({
      deptReview: (call, visit) =>
        call.payload.assignee.leadDept === 'dept_jt' && visit === 1
          ? { outcome: 'return', comment: '第3行数量有误', returnTo: 'proposal' }
          : { outcome: 'approve' },
    });
    expect(steps.slice(0, 7)).toEqual([
      'proposal',
      'deptReview',
      'deptReview',
      'proposal',
      'deptReview',
      'deptReview',
      'cityReview',
    ]);
    const reopened = opened[3].payload;
    const reviews = reopened.state.deptReview.reviews;
    expect(reviews.find((r: any) => r.leadDept === 'dept_jt').decision.comment).toBe('第3行数量有误');
    expect(reopened.state.deptReview.tally).toEqual({
      anyReject: false,
      anyReturn: true,
      returnTo: { proposal: true },
    });
    expect(result.status).toBe('SUCCEEDED');
  });

  it('treats a return without a named step as a return to the first allowed step', () => {
    const { steps } = run({
      cityApproval: (_call, visit) =>
        visit === 1 ? { outcome: 'return', comment: '配套资金不足' } : { outcome: 'approve' },
    });
    expect(steps.slice(8)).toEqual(['cityApproval', 'plan', 'deptApproval', 'deptApproval', 'cityApproval']);
  });

  it('returns from the final approval all the way to 一上 when the reviewer names it', () => {
    const { steps, opened } = run({
      cityApproval: (_call, visit) =>
        visit === 1
          ? { outcome: 'return', returnTo: 'proposal', comment: '重新申报' }
          : { outcome: 'approve' },
    });
    expect(steps[9]).toBe('proposal');
    expect(opened[9].payload.state.cityApproval).toMatchObject({ outcome: 'return', returnTo: 'proposal' });
    expect(steps.length).toBe(18);
  });

  it('ends as rejected when the city office rejects the proposal', () => {
    const { result, steps } = run({ cityReview: () => ({ outcome: 'reject', comment: '不符合条件' }) });
    expect(steps).toEqual(['proposal', 'deptReview', 'deptReview', 'cityReview']);
    expect(result.status).toBe('SUCCEEDED');
    if (result.status === 'SUCCEEDED')
      expect(result.output.end).toEqual({ result: 'rejected', step: 'rejected' });
  });

  it('skips the department review when the proposal names no lead department', () => {
    const { steps, result } = run({}, { leadDepts: [] });
    expect(steps.slice(0, 2)).toEqual(['proposal', 'cityReview']);
    expect(result.status === 'SUCCEEDED' && result.output.steps.deptReview.skipped).toBe(true);
  });

  it('fails with Workflow.UnexpectedOutcome when a decision is not allowed at that step', () => {
    const rejectByDept = run({ deptReview: () => ({ outcome: 'reject' }) });
    expect(rejectByDept.result).toMatchObject({ status: 'FAILED', error: 'Workflow.UnexpectedOutcome' });
    const unknownTarget = run({ cityReview: () => ({ outcome: 'return', returnTo: 'control' }) });
    expect(unknownTarget.result).toMatchObject({ status: 'FAILED', error: 'Workflow.UnexpectedOutcome' });
  });

  it('fails with Workflow.StepFailed when opening a task keeps failing', () => {
    const { result } = run({
      cityReview: () => {
        throw Object.assign(new Error('table missing'), { name: 'ResourceNotFoundException' });
      },
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Workflow.StepFailed' });
  });
});
