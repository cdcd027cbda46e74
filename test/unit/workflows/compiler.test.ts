// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are ASL definition substitutions, not templates
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import {
  applySubstitutions,
  arnSubstitution,
  compileWorkflow,
  functionIdOfSubstitution,
  LAMBDA_RETRY_ERRORS,
  WorkflowDefinitionError,
} from '../../../workflows/compiler';
import { getWorkflow } from '../../../workflows/index';
import { isHuman, type WorkflowDefinition } from '../../../workflows/model';
import { fixtureChecks, readJson, reverseKeys, validFixture } from './fixtures';

const allocation = getWorkflow('allocation', 1)!;
const compile = (def: WorkflowDefinition) => compileWorkflow(def, { checks: fixtureChecks });

type State = Record<string, any>;

/** Every state of a machine with the States object it lives in (Map iterations included). */
function allStates(machine: State): { name: string; state: State; scope: Record<string, State> }[] {
  const out: { name: string; state: State; scope: Record<string, State> }[] = [];
  const visit = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      out.push({ name, state, scope: states });
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
    }
  };
  visit(machine.States);
  return out;
}

function substituted(asl: string, partition: string): State {
  const values: Record<string, string> = { Partition: partition };
  for (const name of compile(allocation).substitutions) {
    const fn = functionIdOfSubstitution(name);
    if (fn) values[name] = `arn:${partition}:lambda:cn-north-1:123456789012:function:minsheng-340102-${fn}`;
  }
  return JSON.parse(applySubstitutions(asl, values));
}

const definitions: [string, WorkflowDefinition][] = [
  ['allocation v1', allocation],
  ['small-review fixture', validFixture('small-review')],
];

describe('compileWorkflow', () => {
  it('is deterministic: the same definition compiles to the same bytes', () => {
    const a = compile(allocation);
    const b = compile(JSON.parse(JSON.stringify(allocation)));
    expect(b.asl).toBe(a.asl);
    expect(b.substitutions).toEqual(a.substitutions);
  });

  it('does not depend on the key order of the input definition', () => {
    for (const [, def] of definitions) {
      const shuffled = reverseKeys(def);
      expect(Object.keys(shuffled)).not.toEqual(Object.keys(def));
      expect(compile(shuffled).asl).toBe(compile(def).asl);
    }
  });

  for (const [label, def] of definitions) {
    it(`produces ASL that asl-validator accepts (${label}), before and after substitution`, () => {
      const { asl } = compile(def);
      const raw = aslValidator(JSON.parse(asl), { checkArn: false, checkPaths: true });
      expect(raw.errorsText('\n')).toBe('');
      expect(raw.isValid).toBe(true);
      for (const partition of ['aws', 'aws-cn']) {
        const full = aslValidator(substituted(asl, partition), { checkArn: true, checkPaths: true });
        expect(full.errorsText('\n')).toBe('');
        expect(full.isValid).toBe(true);
      }
    });

    it(`hard-codes no partition, region or account (${label})`, () => {
      const { asl } = compile(def);
      expect(asl).not.toMatch(/arn:aws/);
      expect(asl).not.toMatch(/\d{12}/);
      expect(asl).not.toMatch(/(us|cn|eu|ap)-[a-z]+-\d/);
      for (const { state } of allStates(JSON.parse(asl))) {
        if (state.Type !== 'Task') continue;
        expect(state.Resource).toMatch(/^arn:\$\{Partition\}:states:::lambda:invoke(\.waitForTaskToken)?$/);
        expect(state.Parameters.FunctionName).toMatch(/^\$\{[A-Z][A-Za-z0-9]*Arn\}$/);
      }
    });

    it(`lists exactly the substitutions its text uses (${label})`, () => {
      const { asl, substitutions } = compile(def);
      const used = [...new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(substitutions).toEqual(used);
      expect(substitutions).toEqual(['CreateProjectsArn', 'OpenTaskArn', 'Partition']);
    });

    it(`gives every human step the token, step, form, assignee and due rule (${label})`, () => {
      const machine = JSON.parse(compile(def).asl);
      const humans = allStates(machine).filter(({ state }) => /waitForTaskToken$/.test(state.Resource ?? ''));
      expect(humans.map(({ state }) => state.Parameters.Payload.step).sort()).toEqual(
        def.steps
          .filter(isHuman)
          .map((s) => s.id)
          .sort(),
      );
      for (const { state } of humans) {
        const p = state.Parameters.Payload;
        const step = def.steps.find((s) => s.id === p.step)!;
        if (!isHuman(step)) throw new Error('not a human step');
        expect(state.Parameters.FunctionName).toBe('${OpenTaskArn}');
        expect(p).toMatchObject({
          kind: 'openTask',
          'taskToken.$': '$$.Task.Token',
          'executionArn.$': '$$.Execution.Id',
          workflowId: def.id,
          workflowVersion: def.version,
          stepType: step.type,
          title: step.title,
          formId: step.form.id,
          formVersion: step.form.version,
          assignee: { role: step.who.role, org: step.who.org },
          due: step.due,
          'execution.$': '$$.Execution.Input',
          'state.$': '$.steps',
        });
        expect(p.allowedOutcomes.length).toBeGreaterThan(0);
        if (step.type === 'review' && step.eachLeadDeptOf)
          expect(p.assignee['leadDept.$']).toBe('$.leadDept');
        else expect(p.assignee).not.toHaveProperty('leadDept.$');
        if (step.type === 'review' && step.outcomes.return)
          expect(p.returnTargets).toEqual(step.outcomes.return);
        if (step.reminder) expect(p.reminder).toEqual(step.reminder);
        if (step.escalation) expect(p.escalation).toEqual(step.escalation);
      }
    });

    it(`retries Lambda service errors and routes other failures to a named Fail state (${label})`, () => {
      for (const { name, state, scope } of allStates(JSON.parse(compile(def).asl))) {
        if (state.Type !== 'Task' && state.Type !== 'Map') continue;
        if (state.Type === 'Task') {
          expect(state.Retry, name).toEqual([
            expect.objectContaining({
              ErrorEquals: [...LAMBDA_RETRY_ERRORS],
              MaxAttempts: expect.any(Number),
            }),
          ]);
        }
        const catchAll = state.Catch.find((c: State) => c.ErrorEquals.includes('States.ALL'));
        expect(catchAll, name).toBeDefined();
        const target = scope[catchAll.Next];
        expect(target.Type).toBe('Fail');
        expect(target.Error).toBe('Workflow.StepFailed');
      }
    });

    it(`points every transition at a state that exists in the same scope (${label})`, () => {
      for (const { name, state, scope } of allStates(JSON.parse(compile(def).asl))) {
        const targets = [
          state.Next,
          state.Default,
          ...(state.Choices ?? []).map((c: State) => c.Next),
          ...(state.Catch ?? []).map((c: State) => c.Next),
        ].filter(Boolean);
        for (const t of targets) expect(scope[t], `${name} -> ${t}`).toBeDefined();
        if (!['Choice', 'Fail'].includes(state.Type))
          expect(Boolean(state.Next) !== Boolean(state.End)).toBe(true);
      }
    });

    it(`routes every return of every review back to the named earlier step (${label})`, () => {
      const machine = JSON.parse(compile(def).asl);
      for (const step of def.steps) {
        if (step.type !== 'review') continue;
        for (const target of step.outcomes.return ?? []) {
          // The target's entry state is the state named after it, at the top level.
          expect(machine.States[target]).toBeDefined();
          const routing = step.eachLeadDeptOf
            ? machine.States[`${step.id}.decide`].Choices
            : machine.States[`${step.id}.returnTo`].Choices;
          expect(
            routing.some((c: State) => c.Next === target),
            `${step.id} -> ${target}`,
          ).toBe(true);
        }
      }
    });
  }

  it('keeps every step result under $.steps.<stepId>', () => {
    const machine = JSON.parse(compile(allocation).asl);
    for (const step of allocation.steps) {
      if (step.type === 'end') continue;
      const entry = step.type === 'review' && step.eachLeadDeptOf ? `${step.id}.each` : step.id;
      expect(machine.States[entry].ResultPath, step.id).toBe(`$.steps.${step.id}`);
    }
  });

  it('compiles a system step to a plain Lambda invoke whose result lands under $.steps.<id>.result', () => {
    const state = JSON.parse(compile(allocation).asl).States.createProjects;
    expect(state).toMatchObject({
      Type: 'Task',
      Resource: 'arn:${Partition}:states:::lambda:invoke',
      Parameters: {
        FunctionName: '${CreateProjectsArn}',
        Payload: {
          kind: 'system',
          step: 'createProjects',
          workflowId: 'allocation',
          workflowVersion: 1,
          'execution.$': '$$.Execution.Input',
          'state.$': '$.steps',
        },
      },
      ResultSelector: { 'result.$': '$.Payload' },
      ResultPath: '$.steps.createProjects',
      Next: 'done',
    });
  });

  it('fans a parallel review out with an inline Map over the lead departments of the named step', () => {
    const machine = JSON.parse(compile(allocation).asl);
    expect(machine.States.deptReview.Type).toBe('Choice');
    expect(machine.States['deptReview.each']).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.steps.proposal.routing.leadDepts',
      MaxConcurrency: 20,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'deptReview.review' },
    });
    expect(machine.States['deptApproval.each'].ItemsPath).toBe('$.steps.plan.routing.leadDepts');
    expect(machine.States['deptReview.tally'].Parameters['anyReturn.$']).toBe(
      "States.ArrayContains($.steps.deptReview.outcomes, 'return')",
    );
  });

  it('skips the decision Choice of a parallel review that can only approve', () => {
    const def = validFixture('small-review');
    const dept = def.steps[1];
    if (dept.type !== 'review') throw new Error('fixture changed');
    delete dept.outcomes.return;
    const machine = JSON.parse(compile(def).asl);
    expect(machine.States['deptCheck.decide']).toBeUndefined();
    expect(machine.States['deptCheck.tally'].Next).toBe('cityCheck');
    expect(aslValidator(machine, { checkArn: false, checkPaths: true }).isValid).toBe(true);
  });

  it('refuses to compile an invalid definition and says why', () => {
    const bad = readJson<WorkflowDefinition>('invalid', 'return-to-later-step.json');
    expect(() => compile(bad)).toThrow(WorkflowDefinitionError);
    try {
      compile(bad);
    } catch (e) {
      expect((e as WorkflowDefinitionError).errors[0]).toMatchObject({
        code: 'RETURN_NOT_EARLIER',
        path: '/steps/1/outcomes/return/0',
      });
    }
  });
});

describe('substitution helpers', () => {
  it('maps function ids to substitution names and back', () => {
    expect(arnSubstitution('OpenTask')).toBe('OpenTaskArn');
    expect(functionIdOfSubstitution('CreateProjectsArn')).toBe('CreateProjects');
    expect(functionIdOfSubstitution('Partition')).toBeUndefined();
  });

  it('refuses to leave a substitution without a value', () => {
    expect(() => applySubstitutions('{"a":"${OpenTaskArn}"}', { Partition: 'aws' })).toThrow(/OpenTaskArn/);
    expect(applySubstitutions('"arn:${Partition}:x"', { Partition: 'aws-cn' })).toBe('"arn:aws-cn:x"');
  });
});
